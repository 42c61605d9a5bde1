"""How each person chose to get messages: kinds, quiet hours, the emailed preferences link,
and each school's choice of reminders."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone

from bigpicture.models import NotificationPreference, ReminderSetting, School, User
from bigpicture.notifications.rules import KINDS, RULES

PREFERENCES_SALT = "bigpicture.notification-preferences"
PREFERENCES_MAX_AGE = 60 * 60 * 24 * 30  # a month: the link in last week's emails still works


def delivery_for(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How each person chose to get messages of a kind (absent: the kind's default)."""
    if KINDS[kind].safety_critical:
        return {}  # always at once, whatever anyone chose
    chosen = NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind)
    return dict(chosen.values_list("user_id", "delivery"))


def after_quiet_hours(user: User, moment: datetime) -> datetime:
    """The first moment at or after ``moment`` outside the person's quiet hours."""
    start, end = user.quiet_hours_start, user.quiet_hours_end
    if start is None or end is None or start == end:
        return moment
    zone = user.school.zone if user.school_id else timezone.get_default_timezone()
    local = moment.astimezone(zone)
    now_time = local.time()
    quiet = (start <= now_time < end) if start < end else (now_time >= start or now_time < end)
    if not quiet:
        return moment
    resume = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if resume <= local:
        resume += timedelta(days=1)
    return resume.astimezone(moment.tzinfo)


def preferences_token(user: User) -> str:
    """A signed token that opens a person's notification preferences without signing in,
    until it is a month old or the person's choices or address change."""
    return signing.dumps([user.pk, user.preferences_nonce], salt=PREFERENCES_SALT, compress=True)


def user_from_preferences_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=PREFERENCES_SALT, max_age=PREFERENCES_MAX_AGE)
    except signing.BadSignature:
        return None
    if isinstance(data, dict):  # a link written before links carried a nonce: until rotated
        data = [data.get("user"), ""]
    if not (isinstance(data, list) and len(data) == 2):
        return None
    pk, nonce = data
    return User.objects.filter(pk=pk, preferences_nonce=nonce, is_active=True).first()


def school_settings(school: School) -> dict[str, tuple[bool, int | None]]:
    """Each rule's (on, days) for a school: the admin's choice, or the rule's default."""
    chosen = {s.rule: s for s in ReminderSetting.objects.filter(school=school)}
    result = {}
    for key, rule in RULES.items():
        setting = chosen.get(key)
        enabled = setting.enabled if setting else rule.default_enabled
        days = setting.days if setting and setting.days is not None else rule.default_days
        result[key] = (enabled or rule.safety_critical, days)
    return result
