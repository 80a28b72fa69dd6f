"""The vocabulary every layer shares: errors, scales, tallies, intervals, validation, results."""
