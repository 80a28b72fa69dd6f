"""NPS over periods: trends, their series tests, calendar bucketing."""
