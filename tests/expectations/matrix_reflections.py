"""Access matrix cases for the reflections pages (see tests/bigpicture/test_access_matrix.py)."""

CASES: list = []
