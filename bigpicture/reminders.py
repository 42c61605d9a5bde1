"""The core's reminder rules: account invitations, password links and the daily email."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from bigpicture.models import Notification
from bigpicture.notifications import site_url, subject_of
from bigpicture.notifications.rules import DIGEST_RULE, Draft, Rule, register


def set_password_link(notification) -> dict:
    """A fresh set-password link, made when the email leaves (never stored in the outbox)."""
    person = notification.recipient
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return {"set_password_url": site_url(path), "sign_in_url": site_url(reverse("login"))}


ACCOUNT_INVITATION = register(
    Rule(
        key="account_invitation",
        kind="account",
        label=_("Account invitation"),
        description=_("A new person gets a link to choose a password and sign in."),
        live_context=set_password_link,
    )
)

PASSWORD_RESET = register(
    Rule(
        key="password_reset",
        kind="account",
        label=_("Password link"),
        description=_("Someone asked for a link to set a new password."),
        live_context=set_password_link,
    )
)


EMAIL_CHANGED = register(
    Rule(
        key="email_changed",
        kind="account",
        label=_("Address changed"),
        description=_(
            "When a person's email address is changed, their old address is told, so a change "
            "they did not expect does not go unnoticed."
        ),
    )
)


def email_changed(person, *, old_email: str, by) -> Draft:
    """The draft of the message to a person's old address, after it was changed."""
    return Draft(
        recipient_id=person.pk,
        school_id=person.school_id,
        subject_key=f"user:{person.pk}",
        subject=person.get_full_name(),
        occasion=f"address-{old_email}-{person.preferences_nonce}",
        context={
            "address": old_email,
            "new_address": person.masked_email,
            "changed_by": by.get_full_name(),
        },
    )


def digest_items(notification) -> dict:
    """The subjects of the messages a daily email bundles, in the reader's language."""
    items = Notification.objects.filter(pk__in=notification.context.get("items", []))
    return {"subjects": [subject_of(item) for item in items.select_related("recipient__school")]}


DAILY_DIGEST = register(
    Rule(
        key=DIGEST_RULE,
        kind="digest",
        label=_("Daily email"),
        description=_("Messages people chose to get once a day, in one email."),
        live_context=digest_items,
    )
)


def invitation(person, *, by=None) -> Draft:
    """The draft of an invitation for a person who was just added."""
    return Draft(
        recipient_id=person.pk,
        school_id=person.school_id,
        subject_key=f"user:{person.pk}",
        subject=person.get_full_name(),
        occasion="invited",
        context={"invited_by": by.get_full_name() if by else ""},
    )
