"""Access matrix cases for the plans pages (see tests/bigpicture/test_access_matrix.py)."""

CASES: list = []
