"""Writing reminders once: a rule's drafts become outbox rows with a unique key per (rule,
subject, recipient, occasion), in the same transaction as their cause or by the periodic
scan. A second write of the same key is ignored, so reruns never duplicate."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_noop

from bigpicture.models import Notification, School, User
from bigpicture.notifications.delivery import enqueue_due
from bigpicture.notifications.preferences import after_quiet_hours, delivery_for, school_settings
from bigpicture.notifications.rules import KINDS, Draft, Rule, periodic_rules

Status = Notification.Status
# Why a message about something done since was not emailed (translated when shown).
DONE_BEFORE_SENT = gettext_noop("Done before it was sent.")


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
        if person is None or not (person.email or draft.context.get("address")):
            # No address (a family reached by phone): no email to send, and no account to
            # read it in, so no row at all; the advisor calls them instead.
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


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark a person's notifications (all, or the given ones) as read."""
    unread = Notification.objects.addressed_to(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def resolve(rules: Iterable[Rule], subject_key: str, *, recipient_ids=None) -> int:
    """Mark done the notifications of these rules about one subject (``"plan:42"``), to
    everyone or to the given people, once the thing they ask for is done: read, and not
    emailed if they had not left yet. Returns how many changed (one query)."""
    about = Q()
    for rule in rules:
        about |= Q(key__startswith=f"{rule.key}:{subject_key}:user:")
    rows = Notification.objects.filter(about, read_at__isnull=True)
    if recipient_ids is not None:
        rows = rows.filter(recipient_id__in=list(recipient_ids))
    unsent = Q(status__in=(Status.PENDING, Status.DIGEST))
    return rows.update(
        read_at=timezone.now(),
        status=Case(When(unsent, then=Value(Status.SKIPPED)), default=F("status")),
        reason=Case(When(unsent, then=Value(DONE_BEFORE_SENT)), default=F("reason")),
    )
