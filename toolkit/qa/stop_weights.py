"""Stopping-score weights (bias, coverage, gain, next_confidence) and thresholds; written by
benchmarks/qa/fit_stop_model.py from the development half of the HotpotQA dev500 questions (L2 1)."""

STOP_WEIGHTS = (-1.131, 5.622, -4.133, -4.411)
STOP_THRESHOLD = 0.5
FIRST_HOP_THRESHOLD = 0.95
