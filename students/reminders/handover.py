"""Reminder rule about a student's move to another advisory: the meetings and panels still to
come pass from the former advisor to the new one, and both hear which (registered on import).
"""

from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.notifications import site_url
from bigpicture.notifications.rules import Draft, Rule, register
from students.models import Exhibition, PlanMeeting, Student

GIVEN, TAKEN = "given", "taken"


def notify_handover(
    *,
    student: Student,
    occasion: str,
    given: dict[int, tuple[list[int], list[int]]],
    taken_by: int,
    meeting_ids: list[int],
    exhibition_ids: list[int],
) -> None:
    """Tell each former holder what they gave up (person id -> (meeting ids, exhibition ids))
    and the new advisor everything they took over."""
    drafts = [
        _draft(student, person_id, occasion, GIVEN, meetings, exhibitions)
        for person_id, (meetings, exhibitions) in given.items()
        if person_id != taken_by
    ]
    if meeting_ids or exhibition_ids:
        drafts.append(_draft(student, taken_by, occasion, TAKEN, meeting_ids, exhibition_ids))
    notifications.record(ADVISOR_HANDOVER, drafts)


def _draft(student, person_id, occasion, side, meeting_ids, exhibition_ids) -> Draft:
    return Draft(
        recipient_id=person_id,
        school_id=student.school_id,
        subject_key=f"student:{student.pk}",
        subject=student.display_name,
        occasion=f"{occasion}-{side}",
        context={
            "student": student.display_name,
            "side": side,
            "meeting_ids": meeting_ids,
            "exhibition_ids": exhibition_ids,
        },
    )


def handover_context(notification) -> dict:
    """The meetings and exhibitions as they are now; links only for the one who took them."""
    context = notification.context
    meetings = PlanMeeting.objects.filter(pk__in=context.get("meeting_ids", []))
    exhibitions = Exhibition.objects.filter(pk__in=context.get("exhibition_ids", []))
    meetings = list(meetings.select_related("student__school", "advisor").order_by("starts_at"))
    exhibitions = list(exhibitions.select_related("student__school").order_by("starts_at"))
    if not (meetings or exhibitions):
        raise notifications.NothingToSend("The meetings and exhibitions are gone.")
    school = (meetings or exhibitions)[0].student.school
    taken = context.get("side") == TAKEN
    return {
        "zone": school.time_zone,
        "taken": taken,
        "meetings": [(m, site_url(m.get_absolute_url()) if taken else "") for m in meetings],
        "exhibitions": [(e, site_url(e.get_absolute_url()) if taken else "") for e in exhibitions],
    }


ADVISOR_HANDOVER = register(
    Rule(
        key="advisor_handover",
        kind="learning",
        label=_("A student's meetings and exhibitions handed over"),
        description=_(
            "When a student moves advisory, the former and the new advisor hear which "
            "meetings and exhibitions still to come pass from one to the other."
        ),
        live_context=handover_context,
    )
)
