"""NPS by segment: breakdowns, shrinkage, decomposition of a change."""
