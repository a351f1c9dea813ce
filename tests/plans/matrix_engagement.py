"""Authorization matrix rows of the plans module (engagement). See tests/matrix.py."""

ROWS = {}
