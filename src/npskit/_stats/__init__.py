"""Numerical kernels on counts, in shares: no result classes, no input handling."""
