"""Access matrix cases for the attendance pages (see tests/bigpicture/test_access_matrix.py)."""

CASES: list = []
