"""The npskit command line."""
