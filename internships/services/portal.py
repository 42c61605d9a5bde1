"""Writes of the mentors' portal: one-time sign-in links (mentors keep no password) and the
messages between a placement's mentor and the student's advisor."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture.models import Notification, User
from bigpicture.records import Area, records_change, through
from bigpicture.selectors import school_admin_ids
from internships.models import Message, Placement, SignInLink, can_use_portal, link_minutes
from internships.reminders import portal as reminders
from students.reminders.plans import advisor_ids

LINKS_PER_HOUR = 5


class LinkRefused(Exception):
    """A sign-in link that cannot sign anyone in: ``reason`` is unknown, used or expired."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def sign_in_request(*, email: str, now: datetime | None = None) -> bool:
    """Email a sign-in link to the mentor with this address, at most five an hour.

    Says whether a link was sent, for tests only: the page says the same whatever the
    address, so nobody learns who is a mentor.
    """
    now = now or timezone.now()
    email = User.objects.normalize_email(email.strip()).lower()
    # Locking the person's row makes concurrent requests count one after the other.
    user = User.objects.select_for_update().filter(email=email).first()
    if user is None or not can_use_portal(user):
        return False
    recent = Notification.objects.filter(
        rule=reminders.MENTOR_SIGN_IN.key, recipient=user, created_at__gte=now - timedelta(hours=1)
    )
    if recent.count() >= LINKS_PER_HOUR:
        return False
    return reminders.notify_sign_in(user, link_minutes()) > 0


def link_state(token: str, now: datetime | None = None) -> tuple[str, SignInLink | None]:
    """Whether a token is a link that can sign someone in ("valid") or why not."""
    now = now or timezone.now()
    link = (
        SignInLink.objects.select_related("user").filter(token_hash=SignInLink.hash(token)).first()
    )
    return _state(link, now), link


def _state(link: SignInLink | None, now: datetime) -> str:
    if link is None or not can_use_portal(link.user):
        return "unknown"
    if link.used_at is not None:
        return "used"
    if link.expires_at <= now:
        return "expired"
    return "valid"


@transaction.atomic
def sign_in_link_redeem(*, token: str, now: datetime | None = None) -> User:
    """Use a link: mark it used (once, even when two requests race) and return its person."""
    now = now or timezone.now()
    link = (
        SignInLink.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=SignInLink.hash(token))
        .first()
    )
    state = _state(link, now)
    if state != "valid":
        raise LinkRefused(state)
    # Signing in spends every other link of the person too: one live key at most.
    SignInLink.objects.filter(user_id=link.user_id, used_at__isnull=True).update(used_at=now)
    return link.user


def _other_side(placement: Placement, by: User) -> list[int]:
    """Who hears of a message: the mentor writes to the advisor (or, with none, the admins);
    the advisor or an admin writes to the mentor."""
    if placement.mentor.user_id == by.pk:
        advisor = advisor_ids([placement.student_id]).get(placement.student_id)
        return [advisor] if advisor else school_admin_ids(placement.student.school)
    return [placement.mentor.user_id]


@records_change(Area.INTERNSHIP, student=through("placement", "student"))
@transaction.atomic
def message_send(*, placement: Placement, by: User, body: str) -> Message:
    """Post a message in an internship's conversation between mentor and advisor."""
    reach = Placement.objects.mentored_by(by) | Placement.objects.led_by(by)
    if not (by.is_active and reach.filter(pk=placement.pk).exists()):
        raise PermissionDenied
    message = Message(placement=placement, author=by, body=body.strip())
    if not message.body:
        raise ValidationError({"body": _("Write a message.")})
    message.full_clean()
    message.save()
    reminders.notify_message(message, [pk for pk in _other_side(placement, by) if pk != by.pk])
    return message
