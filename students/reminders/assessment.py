"""Reminder rules about assessment (registered on import)."""
