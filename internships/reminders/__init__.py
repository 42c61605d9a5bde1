"""The internships app's reminder rules, one module per area; importing them registers them."""

from internships.reminders import directory, logs, pipeline, portal  # noqa: F401
