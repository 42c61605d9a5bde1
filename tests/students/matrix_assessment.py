"""Access matrix cases for the assessment pages (see tests/bigpicture/test_access_matrix.py)."""

CASES: list = []
