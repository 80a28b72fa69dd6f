"""Monitoring NPS over time: control charts, rolling windows and targets."""
