"""The daily email: after 4 pm in their school's time zone, each person's held-back messages
bundled into one."""

from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from bigpicture.models import Notification, User
from bigpicture.notifications.rules import DIGEST_RULE, RULES, Draft
from bigpicture.notifications.writing import record

Status = Notification.Status
DIGEST_HOUR = 16  # the daily email leaves at 4 pm in the recipient's school's time zone


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
