"""Reminder rules about meetings (registered on import)."""
