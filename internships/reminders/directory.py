"""directory: reminders (being written)."""
