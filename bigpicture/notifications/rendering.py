"""An outbox row as the email its recipient reads: subject, HTML and plain text, in their
language and their school's time zone, with the link to their preferences."""

import hashlib
import re
from contextlib import contextmanager
from datetime import date, datetime
from html import unescape as html_unescape

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from bigpicture.models import Notification
from bigpicture.notifications.preferences import preferences_token
from bigpicture.notifications.rules import RULES


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# A row's context is JSON, so its days and moments are stored as ISO text ("2026-03-04",
# "2026-03-04T14:30:00+00:00"); exactly these are read back as dates and moments, so that
# templates show them in the reader's language and their school's time zone like any other.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")


def _revived(value):
    if isinstance(value, str):
        try:
            if ISO_DAY.fullmatch(value):
                return date.fromisoformat(value)
            if ISO_MOMENT.fullmatch(value):
                return datetime.fromisoformat(value)
        except ValueError:  # shaped like a date but none (2026-02-30): text it stays
            return value
        return value
    if isinstance(value, dict):
        return {key: _revived(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_revived(item) for item in value]
    return value


@contextmanager
def _as_the_reader(person):
    """The reader's language and their school's time zone (a worker runs in UTC)."""
    zone = person.school.zone if person.school_id else timezone.get_default_timezone()
    with translation.override(person.language), timezone.override(zone):
        yield


def subject_of(notification: Notification) -> str:
    """A notification's subject line, in the reader's language (for lists and digests)."""
    rule = RULES.get(notification.rule)
    if rule is None:
        return notification.subject
    with _as_the_reader(notification.recipient):
        context = _revived(notification.context)
        text = render_to_string(f"{rule.template}.html#subject", context)
    return html_unescape(" ".join(text.split()))


def render_email(notification: Notification) -> mail.EmailMultiAlternatives:
    """The email for an outbox row, in the recipient's language and school's time zone, as
    HTML and plain text."""
    person = notification.recipient
    rule = RULES[notification.rule]
    with _as_the_reader(person):
        context = {
            **_revived(notification.context),
            **(rule.live_context(notification) if rule.live_context else {}),
            "recipient": person,
            "notification": notification,
            "preferences_url": site_url(
                reverse("bigpicture:preferences-token", args=[preferences_token(person)])
            ),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = " ".join(render_to_string(f"{rule.template}.html#subject", context).split())
        subject = html_unescape(subject)  # a subject line is plain text
        body = render_to_string(f"{rule.template}.html#body", context)
        # The body is our own template, rendered with autoescaping: safe to place as is.
        layout = {**context, "subject": subject, "body": mark_safe(body)}  # noqa: S308
        html = render_to_string("notifications/email/base.html", layout)
        text = _text_version(body, context)
        attachments = rule.attachments(notification) if rule.attachments else []
    message = mail.EmailMultiAlternatives(
        subject=subject,
        body=text,
        # A rule may write to another address of the person's (the old one, after a change).
        to=[notification.context.get("address") or person.email],
        headers={
            "Message-ID": f"<{hashlib.sha256(notification.key.encode()).hexdigest()[:32]}"
            f"@{settings.EMAIL_MESSAGE_DOMAIN}>",
            "List-Unsubscribe": f"<{context['preferences_url']}>",
            "X-Bigpicture-Key": notification.key,
        },
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def _text_version(body_html: str, context: dict) -> str:
    lines = [html_unescape(line.strip()) for line in strip_tags(body_html).splitlines()]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    with translation.override(context["recipient"].language):
        footer = translation.gettext("Choose which emails you get: %(url)s") % {
            "url": context["preferences_url"]
        }
    return f"{text}\n\n--\n{footer}\n"
