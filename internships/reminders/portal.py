"""portal: reminders (being written)."""
