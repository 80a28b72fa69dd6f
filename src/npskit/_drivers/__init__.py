"""Driver analysis and comment-topic impact: why NPS is what it is."""
