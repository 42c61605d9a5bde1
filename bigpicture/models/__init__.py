"""Core models: people and roles, schools, years and terms; the notification outbox."""

from bigpicture.models.core import (
    Role,
    School,
    SchoolQuerySet,
    SchoolYear,
    SchoolYearQuerySet,
    Term,
    User,
    UserManager,
    UserQuerySet,
    validate_time_zone,
)
from bigpicture.models.notifications import (
    Delivery,
    Notification,
    NotificationPreference,
    ReminderSetting,
)

__all__ = [
    "Delivery",
    "Notification",
    "NotificationPreference",
    "ReminderSetting",
    "Role",
    "School",
    "SchoolQuerySet",
    "SchoolYear",
    "SchoolYearQuerySet",
    "Term",
    "User",
    "UserManager",
    "UserQuerySet",
    "validate_time_zone",
]
