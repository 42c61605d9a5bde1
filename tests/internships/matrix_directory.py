"""Access matrix cases for the internships directory pages."""

CASES: list = []
