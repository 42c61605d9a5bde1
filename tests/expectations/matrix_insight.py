"""Access matrix cases for the insight pages (see tests/bigpicture/test_access_matrix.py)."""

CASES: list = []
