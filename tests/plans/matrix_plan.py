"""Authorization matrix rows of the plans module (plan). See tests/matrix.py."""

ROWS = {}
