"""Access matrix cases for the meetings pages (see tests/bigpicture/test_access_matrix.py)."""

CASES: list = []
