"""Authorization matrix rows of the plans module (api). See tests/matrix.py."""

ROWS = {}
