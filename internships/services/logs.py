"""logs: services (being written)."""
