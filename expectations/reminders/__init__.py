"""This app's reminder rules: reflections due and overdue, absence notices to families."""

from expectations.reminders import attendance, reflections  # noqa: F401 - registers the rules
