"""Delivering each outbox row exactly once: claim, send, finish; the sweep; the queue.

a row is *claimed* (pending -> sending) by one committed UPDATE before the
email leaves, and marked sent right after the SMTP server accepts it. Two workers can
never both claim a row; a redelivered or repeated task finds it no longer pending. A worker
that dies while holding a claim leaves the row "sending"; after a lease the sweep puts it
back to pending. Transient SMTP errors reschedule the row with a growing back-off; an
address the server refuses, or one that cannot be written on an envelope at all, fails at
once with the reason. Whatever goes wrong with one message happens to that message alone,
and every claim counts as an attempt: after ``MAX_ATTEMPTS`` the row fails, on every path.
A row is queued once per lease; if the broker cannot take it, the sweep queues it later.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from bigpicture.models import Notification, School
from bigpicture.notifications.rendering import render_email
from bigpicture.notifications.rules import DIGEST_RULE, NothingToSend

log = logging.getLogger(__name__)

Status = Notification.Status
BATCH = 50
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=10)
SMTP_EXCHANGES = 12  # connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, ... each timed
SWEEP_GRACE = timedelta(minutes=1)
# The Celery task that sends a batch (bigpicture/tasks.py), found by its name in the app's
# registry: the tasks call into this module, so this module does not import them.
SEND_TASK = "bigpicture.tasks.send_notifications"


def lease() -> timedelta:
    """How long a claim holds: longer than the slowest send the SMTP timeout allows, so a
    message still being sent is never handed to a second worker."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 60
    return max(LEASE, timedelta(seconds=SMTP_EXCHANGES * timeout))


def enqueue_due(now: datetime | None = None, *, rows=None) -> int:
    """Queue a delivery task for every pending row whose time has come, in batches; return
    how many rows were queued. A broker that cannot take a batch leaves it to the sweep."""
    now = now or timezone.now()
    rows = rows if rows is not None else Notification.objects.due(now)
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    send = current_app.tasks[SEND_TASK]  # registered at start-up (BigPictureConfig.ready)
    queued = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        # Marked before publishing: a worker may claim the rows as soon as the message lands,
        # and an update made then would hold their locks, so the claim (SKIP LOCKED) would
        # pass over them and leave them to the sweep, a lease later.
        marked = Notification.objects.filter(pk__in=batch)
        marked.update(queued_at=now)
        try:
            # No publishing retries inside a web request: the sweep is the retry.
            send.apply_async((batch,), retry=False)
        except Exception:  # the broker is down or refuses: nothing is lost, the row waits
            marked.update(queued_at=None)  # for the next sweep
            log.warning("could not queue %d notifications; the sweep will", len(ids) - start)
            break
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
    if not (notification.context.get("address") or notification.recipient.email):
        # The address was removed after the row was written: nowhere to send it.
        _finish(notification, Status.SKIPPED, gettext_noop("No email address."))
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


def status_counts(school: School) -> dict[str, int]:
    """How many of a school's outbox rows are in each status (one aggregate query)."""
    counts = dict.fromkeys(Status.values, 0)
    rows = (
        Notification.objects.filter(Q(school=school)).values_list("status").annotate(n=Count("pk"))
    )
    counts.update(dict(rows))
    return counts
