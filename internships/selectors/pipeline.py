"""pipeline: selectors (being written)."""
