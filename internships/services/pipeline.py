"""pipeline: services (being written)."""
