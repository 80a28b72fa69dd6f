"""From answers to counts: input rules, the counting kernel, keys and grouped counts."""
