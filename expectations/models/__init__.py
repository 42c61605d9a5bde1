from expectations.models.attendance import AttendanceMark, AttendanceSheet
from expectations.models.catalog import Expectation, SchoolExpectation, Wording
from expectations.models.engagement import CheckIn, Engagement, EngagementSettings, signal_id
from expectations.models.reflections import Rating, Reflection, ReflectionWindow, due_on
from expectations.models.tags import TAGGED_KINDS, WorkTag

__all__ = [
    "TAGGED_KINDS",
    "AttendanceMark",
    "AttendanceSheet",
    "CheckIn",
    "Engagement",
    "EngagementSettings",
    "Expectation",
    "Rating",
    "Reflection",
    "ReflectionWindow",
    "SchoolExpectation",
    "Wording",
    "WorkTag",
    "due_on",
    "signal_id",
]
