"""Access matrix cases for the internships logs pages."""

CASES: list = []
