"""The internships app's selectors, one module per area (see internships/services)."""
