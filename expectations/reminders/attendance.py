"""The absence notice: a family hears the same day that their child missed advisory."""

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.links import link
from bigpicture.names import display_name
from bigpicture.notifications.rules import Draft, Rule, register
from expectations.models import AttendanceMark, AttendanceSheet
from students.models import GuardianLink


def absence_drafts(sheet: AttendanceSheet, student_ids: Iterable[int]) -> list[Draft]:
    """One notice per guardian who hears from the school, per absent student, for the day
    (the day is the occasion: saving the roll again never writes a second one). One query."""
    links = GuardianLink.objects.filter(
        student_id__in=list(student_ids), receives_reminders=True
    ).values_list(
        "guardian_id",
        "student_id",
        "student__preferred_name",
        "student__user__first_name",
        "student__user__last_name",
    )
    return [
        Draft(
            recipient_id=guardian_id,
            school_id=sheet.advisory.school_id,
            subject_key=f"student:{student_id}",
            subject=display_name(preferred, first, last),
            occasion=sheet.on.isoformat(),
            context={
                "student_id": student_id,
                "student": display_name(preferred, first, last),
                "advisory": sheet.advisory.name,
                "on": sheet.on.isoformat(),
                "path": link("expectations:attendance-student", student_id),
            },
        )
        for guardian_id, student_id, preferred, first, last in links.order_by("pk")
    ]


def notify_absences(sheet: AttendanceSheet, student_ids: Iterable[int]) -> int:
    """Write the absence notices of a saved roll to the outbox, unless the school switched
    the notice off; return how many rows are new. Call it inside the roll's transaction."""
    student_ids = list(student_ids)
    if not student_ids:
        return 0
    enabled, _days = notifications.school_settings(sheet.advisory.school)[ABSENCE_NOTICE.key]
    if not enabled:
        return 0
    return notifications.record(ABSENCE_NOTICE, absence_drafts(sheet, student_ids))


def still_absent(notification) -> dict:
    """At send time: the day as a date, or nothing to send once the roll no longer marks
    the student absent or the guardian no longer hears from the school."""
    context = notification.context
    day = date.fromisoformat(context["on"])
    absent = AttendanceMark.objects.filter(
        student_id=context.get("student_id"), sheet__on=day, status=AttendanceMark.Status.ABSENT
    ).exists()
    linked = GuardianLink.objects.filter(
        student_id=context.get("student_id"),
        guardian_id=notification.recipient_id,
        receives_reminders=True,
    ).exists()
    if not (absent and linked):
        raise notifications.NothingToSend("The student is no longer marked absent that day.")
    return {"day": day}


ABSENCE_NOTICE = register(
    Rule(
        key="absence_notice",
        kind="learning",
        label=_("Absence from advisory"),
        description=_(
            "Families hear when their child is marked absent at the morning advisory "
            "(not late or excused), once a day."
        ),
        live_context=still_absent,
    )
)
