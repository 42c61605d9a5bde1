"""Reminder rules about plans (registered on import)."""
