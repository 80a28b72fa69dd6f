"""The vocabulary every layer shares: errors, warnings, scales, tallies, intervals, validation, results."""
