"""Core models: people and roles, schools, years and terms; the notification outbox."""

from bigpicture.models.core import (
    EMAIL_UNAVAILABLE,
    Role,
    School,
    SchoolQuerySet,
    SchoolYear,
    SchoolYearQuerySet,
    Term,
    User,
    UserManager,
    UserQuerySet,
    email_taken_message,
    validate_deliverable_email,
    validate_time_zone,
)
from bigpicture.models.notifications import (
    Delivery,
    Notification,
    NotificationPreference,
    ReminderSetting,
)
from bigpicture.models.twofactor import SecondFactorReset

__all__ = [
    "EMAIL_UNAVAILABLE",
    "Delivery",
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
