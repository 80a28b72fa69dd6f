"""Two NPS: the comparison method registry, independent and paired comparisons."""
