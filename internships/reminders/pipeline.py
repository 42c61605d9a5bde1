"""pipeline: reminders (being written)."""
