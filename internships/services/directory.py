"""directory: services (being written)."""
