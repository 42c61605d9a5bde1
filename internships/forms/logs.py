"""logs: forms (being written)."""
