"""directory: selectors (being written)."""
