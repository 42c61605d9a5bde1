"""Reminder rules over term reflections: due soon to students, overdue to advisors."""
