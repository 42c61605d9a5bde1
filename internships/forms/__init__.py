"""The internships app's forms, one module per area (see internships/services)."""
