"""logs: reminders (being written)."""
