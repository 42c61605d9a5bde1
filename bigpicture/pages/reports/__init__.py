"""The reports area: one page per subject, gathered from each app's section of the report."""
