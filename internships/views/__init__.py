"""The internships app's views, one module per area (see internships/services)."""
