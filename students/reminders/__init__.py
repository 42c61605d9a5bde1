"""The students app's reminder rules, one module per area; importing them registers them."""

from students.reminders import assessment, handover, meetings, plans, roster  # noqa: F401
from students.reminders.profile import STUDENT_WITHOUT_ADVISORY, WEEKLY_PROGRESS  # noqa: F401
