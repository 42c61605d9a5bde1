"""The notification outbox: writing reminders once, and delivering each exactly once.

Writing: a rule's drafts become ``Notification`` rows with a unique key per (rule,
subject, recipient, occasion), in the same transaction as their cause or by the periodic
scan. A second write of the same key is ignored, so reruns never duplicate.

Delivering: a row is *claimed* (pending -> sending) by one committed UPDATE before the
email leaves, and marked sent right after the SMTP server accepts it. Two workers can
never both claim a row; a redelivered or repeated task finds it no longer pending. A worker
that dies while holding a claim leaves the row "sending"; after a lease the sweep puts it
back to pending. Transient SMTP errors reschedule the row with a growing back-off; an
address the server refuses, or one that cannot be written on an envelope at all, fails at
once with the reason. Whatever goes wrong with one message happens to that message alone,
and every claim counts as an attempt: after ``MAX_ATTEMPTS`` the row fails, on every path.
A row is queued once per lease; if the broker cannot take it, the sweep queues it later.
"""

import hashlib
import logging
import smtplib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from html import unescape as html_unescape

from django.conf import settings
from django.core import mail, signing
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_noop

from bigpicture.models import Notification, NotificationPreference, ReminderSetting, School, User
from bigpicture.rules import KINDS, RULES, Draft, Rule, periodic_rules

log = logging.getLogger(__name__)

Status = Notification.Status
BATCH = 50
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=10)
SMTP_EXCHANGES = 12  # connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, ... each timed
SWEEP_GRACE = timedelta(minutes=1)
DIGEST_HOUR = 16  # the daily email leaves at 4 pm in the recipient's school's time zone
PREFERENCES_SALT = "bigpicture.notification-preferences"
PREFERENCES_MAX_AGE = 60 * 60 * 24 * 30  # a month: the link in last week's emails still works


# --- preferences and quiet hours -----------------------------------------------------------


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


# --- writing -------------------------------------------------------------------------------


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


def record(rule: Rule, drafts: Iterable[Draft], *, now: datetime | None = None) -> int:
    """Write each draft to the outbox once (by its key); return how many rows are new.

    Call it inside the transaction of the change that causes the message: the row is
    written with it or not at all, and sending starts once it commits.
    """
    now = now or timezone.now()
    drafts = list(drafts)
    if not drafts:
        return 0
    people = User.objects.select_related("school").in_bulk({d.recipient_id for d in drafts})
    delivery = delivery_for(people, rule.kind)
    default = KINDS[rule.kind].default
    rows = []
    for draft in drafts:
        person = people.get(draft.recipient_id)
        if person is None:
            continue
        row = Notification(
            key=rule.key_for(draft),
            school_id=draft.school_id,
            recipient=person,
            rule=rule.key,
            kind=rule.kind,
            subject=draft.subject[:200],
            context=draft.context,
            created_at=now,
            send_after=now,
        )
        _route(row, person, delivery.get(person.pk, default), rule, now)
        rows.append(row)
    keys = [row.key for row in rows]
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    new_keys = [key for key in keys if key not in existing]
    # Robust: a failing hook must not cost the transaction's other hooks (file deletions...).
    transaction.on_commit(
        lambda: enqueue_due(rows=Notification.objects.due().filter(key__in=new_keys)),
        robust=True,
    )
    return len(set(new_keys))


def _route(row: Notification, person: User, choice: str, rule: Rule, now: datetime) -> None:
    """Set a new row's status from the person's address, choice and quiet hours."""
    if not person.is_active:
        row.status, row.reason = Status.SKIPPED, gettext_noop("The account is deactivated.")
    elif not person.email:
        row.status, row.reason = Status.SKIPPED, gettext_noop("No email address.")
    elif rule.safety_critical:
        row.status = Status.PENDING
        if rule.kind != "account":  # the daily email waits for quiet hours to end
            row.send_after = after_quiet_hours(person, now)
    elif choice == "off":
        row.status, row.reason = Status.SKIPPED, gettext_noop("Email switched off by the person.")
    elif choice == "daily":
        row.status = Status.DIGEST
    else:
        row.status = Status.PENDING
        row.send_after = after_quiet_hours(person, now)


# --- delivering ----------------------------------------------------------------------------


def lease() -> timedelta:
    """How long a claim holds: longer than the slowest send the SMTP timeout allows, so a
    message still being sent is never handed to a second worker."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 60
    return max(LEASE, timedelta(seconds=SMTP_EXCHANGES * timeout))


def enqueue_due(now: datetime | None = None, *, rows=None) -> int:
    """Queue a delivery task for every pending row whose time has come, in batches; return
    how many rows were queued. A broker that cannot take a batch leaves it to the sweep."""
    from bigpicture.tasks import send_notifications

    now = now or timezone.now()
    rows = rows if rows is not None else Notification.objects.due(now)
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    queued = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        try:
            # No publishing retries inside a web request: the sweep is the retry.
            send_notifications.apply_async((batch,), retry=False)
        except Exception:  # the broker is down or refuses: nothing is lost, the row waits
            log.warning("could not queue %d notifications; the sweep will", len(ids) - start)
            break
        Notification.objects.filter(pk__in=batch).update(queued_at=now)
        queued += len(batch)
    return queued


def deliver(ids: Iterable[int], *, now: datetime | None = None) -> dict[str, int]:
    """Send the given outbox rows that are still due, over one SMTP connection."""
    now = now or timezone.now()
    ids = list(ids)
    claimed = _claim(ids, now)
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": len(ids) - len(claimed)}
    connection = mail.get_connection(fail_silently=False)
    try:
        for notification in claimed:
            counts[_deliver_one(notification, connection, now)] += 1
    finally:
        _close_quietly(connection)
    return counts


def _claim(ids: list[int], now: datetime) -> list[Notification]:
    """Take the due rows among ``ids`` for this worker, in one committed transaction.

    Rows another worker holds (locked, or no longer pending) are left to it.
    """
    with transaction.atomic():
        rows = list(
            Notification.objects.due(now)
            .filter(pk__in=ids)
            .select_related("recipient__school")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    for row in rows:
        row.status, row.attempts, row.claimed_at = Status.SENDING, row.attempts + 1, now
    return rows


def _renew_claim(notification: Notification) -> bool:
    """Right before sending, confirm the claim still stands and restart its lease.

    A batch that ran past the lease may have had its later rows released by the sweep and
    taken by another worker: those are left to that worker.
    """
    renewed_at = timezone.now()
    still_ours = Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, claimed_at=notification.claimed_at
    ).update(claimed_at=renewed_at)
    notification.claimed_at = renewed_at
    return bool(still_ours)


def _deliver_one(notification: Notification, connection, now: datetime) -> str:
    if not _renew_claim(notification):
        return "skipped"
    if not notification.recipient.is_active:
        _finish(notification, Status.SKIPPED, gettext_noop("The account is deactivated."))
        return "skipped"
    try:
        message = render_email(notification)
    except NothingToSend as nothing:
        _finish(notification, Status.SKIPPED, str(nothing))
        return "skipped"
    except Exception as error:  # a message that cannot be written must not block the rest
        log.exception("could not render notification %s", notification.pk)
        return _fail(notification, f"Could not be written: {error}"[:300])
    try:
        connection.open()  # one connection for the batch: send() closes only what it opened
        message.connection = connection
        message.send()
    except ValueError as error:  # the address cannot be put on an envelope (IDNA, say)
        return _fail(notification, f"The address cannot be used for email: {error}"[:300])
    except smtplib.SMTPRecipientsRefused as error:
        code, _text = next(iter(error.recipients.values()))
        if 400 <= code < 500:  # greylisting, a full mailbox: try again later
            return _retry_later(notification, error, now)
        return _fail(notification, _smtp_reason(error))
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            return _fail(notification, _smtp_reason(error))
        return _retry_later(notification, error, now)
    except (smtplib.SMTPException, OSError) as error:
        connection.close()  # a broken connection is reopened for the next message
        return _retry_later(notification, error, now)
    except Exception as error:  # anything else fails this message alone, not the batch
        log.exception("could not send notification %s", notification.pk)
        _close_quietly(connection)
        return _retry_later(notification, error, now)
    # Marked right after the server accepted it: the only window for a duplicate is a
    # crash between these two lines.
    finished = Notification.objects.filter(pk=notification.pk, status=Status.SENDING)
    finished.update(status=Status.SENT, sent_at=timezone.now(), reason="")
    if notification.rule == DIGEST_RULE:
        Notification.objects.filter(
            pk__in=notification.context.get("items", []), status=Status.DIGEST
        ).update(
            status=Status.SENT, sent_at=timezone.now(), reason=gettext_noop("In the daily email.")
        )
    return "sent"


def _smtp_reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"Refused by the mail server: {code} {text.decode(errors='replace')}"[:300]
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"Refused by the mail server: {error.smtp_code} {text}"[:300]
    return str(error)[:300] or error.__class__.__name__


class NothingToSend(Exception):
    """Raised while rendering when the message has nothing left to say (and is skipped)."""


def _finish(notification: Notification, status: str, reason: str) -> None:
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=status, reason=reason
    )


def _fail(notification: Notification, reason: str) -> str:
    _finish(notification, Status.FAILED, reason)
    return "failed"


def _retry_later(notification: Notification, error: Exception, now: datetime) -> str:
    if notification.attempts >= MAX_ATTEMPTS:
        return _fail(notification, f"Gave up after {notification.attempts} attempts: {error}")
    backoff = timedelta(minutes=2 ** (notification.attempts - 1))
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
        status=Status.PENDING, send_after=now + backoff, reason=_smtp_reason(error), queued_at=None
    )
    return "retry"


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:
        log.warning("could not close the SMTP connection cleanly")


def sweep(now: datetime | None = None) -> int:
    """Release claims of workers that died mid-send, then queue what nothing else will.

    Rows written in the last minute were queued when they were committed; the sweep takes
    the older ones, the deferred ones (quiet hours, back-off) and the released ones.
    """
    now = now or timezone.now()
    expired = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease())
    # Each claim was an attempt: a message that stopped its worker every time fails.
    expired.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        reason=gettext_noop("Gave up: the sending worker stopped at every attempt."),
    )
    expired.update(
        status=Status.PENDING,
        reason=gettext_noop("The sending worker stopped; sending again."),
        queued_at=None,
    )
    forgotten = Notification.objects.due(now).filter(
        Q(created_at__lt=now - SWEEP_GRACE) | Q(send_after__gt=F("created_at")),
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - lease()),  # once per lease
    )
    return enqueue_due(now, rows=forgotten)


# --- rendering -----------------------------------------------------------------------------


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def subject_of(notification: Notification) -> str:
    """A notification's subject line, in the reader's language (for lists and digests)."""
    rule = RULES.get(notification.rule)
    if rule is None:
        return notification.subject
    with translation.override(notification.recipient.language):
        text = render_to_string(f"{rule.template}.html#subject", notification.context)
    return html_unescape(" ".join(text.split()))


def render_email(notification: Notification) -> mail.EmailMultiAlternatives:
    """The email for an outbox row, in the recipient's language, as HTML and plain text."""
    person = notification.recipient
    rule = RULES[notification.rule]
    with translation.override(person.language):
        context = {
            **notification.context,
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


# --- the periodic scan and the daily email ---------------------------------------------------


def scan(*, today: date | None = None, schools=None) -> int:
    """Run every school's periodic reminder rules; return how many new rows were written."""
    written = 0
    for school in schools if schools is not None else School.objects.all():
        day = today or school.today()
        choices = school_settings(school)
        for rule in periodic_rules():
            enabled, days = choices[rule.key]
            if enabled:
                with transaction.atomic():
                    written += record(rule, rule.scan(school, day, days))
    return written


DIGEST_RULE = "daily_digest"


def write_digests(now: datetime | None = None) -> int:
    """After 4 pm in their school's time zone, bundle each person's held-back messages."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(status=Status.DIGEST)
        .order_by("recipient_id", "created_at")
        .values_list("recipient_id", "pk", "subject")
    )
    by_person: dict[int, list[tuple[int, str]]] = {}
    for recipient_id, pk, subject in waiting:
        by_person.setdefault(recipient_id, []).append((pk, subject))
    people = User.objects.select_related("school").in_bulk(list(by_person))
    drafts = []
    for person_id, items in by_person.items():
        person = people[person_id]
        local = now.astimezone(person.school.zone if person.school_id else UTC)
        if local.hour < DIGEST_HOUR:
            continue
        drafts.append(
            Draft(
                recipient_id=person_id,
                school_id=person.school_id,
                subject_key=f"user:{person_id}",
                subject=str(len(items)),
                occasion=local.date().isoformat(),
                context={"items": [pk for pk, _s in items], "count": len(items)},
            )
        )
    with transaction.atomic():
        return record(RULES[DIGEST_RULE], drafts, now=now)


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark a person's notifications (all, or the given ones) as read."""
    unread = Notification.objects.addressed_to(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def status_counts(school: School) -> dict[str, int]:
    """How many of a school's outbox rows are in each status (one aggregate query)."""
    from django.db.models import Count

    counts = dict.fromkeys(Status.values, 0)
    rows = (
        Notification.objects.filter(Q(school=school)).values_list("status").annotate(n=Count("pk"))
    )
    counts.update(dict(rows))
    return counts
