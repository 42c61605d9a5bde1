"""portal: services (being written)."""
