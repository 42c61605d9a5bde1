"""Access matrix cases for the engagement pages (see tests/bigpicture/test_access_matrix.py)."""

CASES: list = []
