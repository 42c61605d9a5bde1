"""directory: forms (being written)."""
