"""portal: selectors (being written)."""
