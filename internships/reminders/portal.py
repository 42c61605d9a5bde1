"""Reminder rules of the mentors' portal: one-time sign-in links, messages between a mentor
and the student's advisor."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.models import User
from bigpicture.notifications.rules import Draft, Rule, register
from internships.models import Message, SignInLink, can_use_portal, link_minutes


def notify_sign_in(user: User, minutes: int) -> int:
    """Write a sign-in email for a mentor; the link itself is made when the email leaves."""
    now = timezone.now()
    draft = Draft(
        recipient_id=user.pk,
        school_id=user.school_id,
        subject_key=f"user:{user.pk}",
        subject=user.get_full_name(),
        occasion=f"asked-{now.isoformat()}",
        context={"minutes": minutes},
    )
    return notifications.record(MENTOR_SIGN_IN, [draft], now=now)


def sign_in_link(notification) -> dict:
    """A fresh single-use link, made as the email leaves: only its hash is ever stored, so
    neither the outbox nor any log holds a token that opens the account."""
    person = notification.recipient
    if not can_use_portal(person):
        raise notifications.NothingToSend("The person no longer signs in as a mentor.")
    token, _link = SignInLink.objects.issue(user=person)
    path = reverse("internships:portal-link", kwargs={"token": token})
    return {"sign_in_url": notifications.site_url(path), "minutes": link_minutes()}


def notify_message(message: Message, recipient_ids: list[int]) -> None:
    """Tell the other side of an internship's conversation that a message came in."""
    placement = message.placement
    context = {
        "author": message.author.get_full_name(),
        "student": placement.student.display_name,
        "site": placement.site.organization,
        "body": message.body,
        "path": reverse("internships:placement-messages", args=[placement.pk]),
    }
    drafts = [
        Draft(
            recipient_id=recipient,
            school_id=placement.student.school_id,
            subject_key=f"placement:{placement.pk}",
            subject=placement.student.display_name,
            occasion=f"message-{message.pk}",
            context=context,
        )
        for recipient in recipient_ids
    ]
    notifications.record(INTERNSHIP_MESSAGE, drafts)


MENTOR_SIGN_IN = register(
    Rule(
        key="mentor_sign_in",
        kind="account",
        label=_("Mentor's sign-in link"),
        description=_("A mentor asked for a link to sign in without a password."),
        live_context=sign_in_link,
    )
)
INTERNSHIP_MESSAGE = register(
    Rule(
        key="internship_message",
        kind="internships",
        label=_("Message about an internship"),
        description=_("The mentor and the student's advisor hear of each other's messages."),
    )
)
