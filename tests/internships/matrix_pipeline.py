"""Access matrix cases for the internships pipeline pages."""

CASES: list = []
