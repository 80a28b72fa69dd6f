"""One NPS: the interval method registry, confidence intervals and the one-sample test."""
