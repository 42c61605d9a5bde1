"""logs: selectors (being written)."""
