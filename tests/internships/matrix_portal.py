"""Access matrix cases for the internships portal pages."""

CASES: list = []
