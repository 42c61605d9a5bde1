"""Reminder rules about assessment: an advisor's narrative published to the family, an
exhibition coming (registered on import)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.models import School
from bigpicture.notifications.rules import Draft, Rule, register
from students.models import Exhibition, GuardianLink, Narrative, Panelist

# --- a narrative published -----------------------------------------------------------------------


def notify_narrative_published(narrative: Narrative) -> None:
    """Tell the student's family (those who hear from the school) the narrative is out."""
    student = narrative.student
    guardians = GuardianLink.objects.filter(student=student, receives_reminders=True)
    drafts = [
        Draft(
            recipient_id=guardian_id,
            school_id=student.school_id,
            subject_key=f"narrative:{narrative.pk}",
            subject=student.display_name,
            occasion="published",
            context={
                "narrative_id": narrative.pk,
                "student": student.display_name,
                "term": str(narrative.term),
                "path": narrative.get_absolute_url(),
            },
        )
        for guardian_id in guardians.values_list("guardian_id", flat=True)
    ]
    notifications.record(NARRATIVE_PUBLISHED, drafts)


def narrative_still_published(notification) -> dict:
    """At send time: nothing to say if the narrative was taken back or the family unlinked."""
    still = Narrative.objects.filter(
        pk=notification.context.get("narrative_id"),
        published_at__isnull=False,
        student__guardian_links__guardian_id=notification.recipient_id,
        student__guardian_links__receives_reminders=True,
    )
    if not still.exists():
        raise notifications.NothingToSend("The narrative is no longer published to this guardian.")
    return {}


NARRATIVE_PUBLISHED = register(
    Rule(
        key="narrative_published",
        kind="learning",
        label=_("Advisor's narrative published"),
        description=_("Families hear when the advisor publishes the term's narrative."),
        live_context=narrative_still_published,
    )
)


# --- an exhibition coming ------------------------------------------------------------------------


def _audience(exhibition: Exhibition) -> dict[int, str]:
    """Recipient id -> why they hear of it: the student, then each panelist with an account."""
    audience = {exhibition.student.user_id: "student"}
    for panelist in exhibition.panelists.all():
        audience.setdefault(panelist.person_id, "panelist")
    return audience


def exhibitions_coming(school: School, today: date, days: int) -> list[Draft]:
    """Each scheduled exhibition starting in the next ``days`` days, to the student and the
    panel, once per start time (a rescheduled one is announced again)."""
    zone = school.zone
    since = max(timezone.now(), datetime.combine(today, time.min, tzinfo=zone))
    until = datetime.combine(today + timedelta(days=days + 1), time.min, tzinfo=zone)
    with_accounts = Panelist.objects.filter(person__isnull=False).order_by("pk")
    exhibitions = (
        Exhibition.objects.filter(
            student__school=school,
            status=Exhibition.Status.SCHEDULED,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related("student__user")
        .prefetch_related(Prefetch("panelists", queryset=with_accounts))
    )
    return [
        Draft(
            recipient_id=recipient_id,
            school_id=school.pk,
            subject_key=f"exhibition:{exhibition.pk}",
            subject=exhibition.title,
            occasion=f"starts-{exhibition.starts_at.isoformat()}",
            context={
                "exhibition_id": exhibition.pk,
                "title": exhibition.title,
                "student": exhibition.student.display_name,
                "starts_at": exhibition.starts_at.isoformat(),
                "room": exhibition.room,
                "audience": audience,
                "path": exhibition.get_absolute_url(),
            },
        )
        for exhibition in exhibitions
        for recipient_id, audience in _audience(exhibition).items()
    ]


def exhibition_still_on(notification) -> dict:
    """At send time: skip it if the exhibition was called off or moved; else its local time."""
    exhibition = (
        Exhibition.objects.filter(pk=notification.context.get("exhibition_id"))
        .select_related("student__school")
        .first()
    )
    if (
        exhibition is None
        or exhibition.status != Exhibition.Status.SCHEDULED
        or exhibition.starts_at.isoformat() != notification.context.get("starts_at")
    ):
        raise notifications.NothingToSend("The exhibition was cancelled or moved.")
    local = timezone.localtime(exhibition.starts_at, exhibition.student.school.zone)
    # Naive, so templates show the school's time whatever time zone the worker runs in.
    return {"starts": timezone.make_naive(local, local.tzinfo)}


EXHIBITION_COMING = register(
    Rule(
        key="exhibition_coming",
        kind="learning",
        label=_("Exhibition coming"),
        description=_("The student and the panel hear of an exhibition a few days before it."),
        days_label=_("Days before the exhibition the reminder is sent"),
        default_days=3,
        scan=exhibitions_coming,
        live_context=exhibition_still_on,
    )
)
