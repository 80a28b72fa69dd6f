"""Planning a survey: margin of error, sample size, power."""
