"""Core models: people and roles, schools, years and terms; the notification outbox."""

from bigpicture.models.core import (
    EMAIL_UNAVAILABLE,
    Role,
    School,
    SchoolQuerySet,
    User,
    UserManager,
    UserQuerySet,
    email_taken_message,
    validate_deliverable_email,
    validate_time_zone,
)
from bigpicture.models.jobs import Job
from bigpicture.models.notifications import (
    Delivery,
    Notification,
    NotificationPreference,
    ReminderSetting,
)
from bigpicture.models.records import AccessRecord, AccessRecordQuerySet
from bigpicture.models.twofactor import SecondFactorReset
from bigpicture.models.years import DatedPeriod, SchoolYear, SchoolYearQuerySet, Term

__all__ = [
    "EMAIL_UNAVAILABLE",
    "AccessRecord",
    "AccessRecordQuerySet",
    "DatedPeriod",
    "Delivery",
    "Job",
    "Notification",
    "NotificationPreference",
    "ReminderSetting",
    "Role",
    "School",
    "SchoolQuerySet",
    "SchoolYear",
    "SchoolYearQuerySet",
    "SecondFactorReset",
    "Term",
    "User",
    "UserManager",
    "UserQuerySet",
    "email_taken_message",
    "validate_deliverable_email",
    "validate_time_zone",
]
