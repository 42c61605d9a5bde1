"""portal: forms (being written)."""
