"""pipeline: forms (being written)."""
