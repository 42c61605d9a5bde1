"""The learning team follows the student: when a student moves advisory, the meetings and
exhibition panels still to come pass to the new advisor (what is past stays on the record,
readable by those who lead the student now)."""

from django.db import transaction
from django.utils import timezone

from bigpicture.access import require_admin_of
from bigpicture.models import User
from bigpicture.records import Area, records_change, through
from students.models import Exhibition, MeetingInvite, Panelist, PlanMeeting, Student
from students.reminders.handover import notify_handover

Held = dict[int, tuple[list[int], list[int]]]  # person id -> (meeting ids, exhibition ids)


@records_change(Area.MEETING, student=through("student"))
@transaction.atomic
def learning_team_hand_over(*, student: Student, to: User, by: User, occasion: str) -> None:
    """Pass the student's meetings and panels still to come to their new advisor ``to``, and
    tell the former holders and the new advisor by email (once per ``occasion``)."""
    require_admin_of(by, student.school_id)
    now, held = timezone.now(), {}
    meeting_ids = _meetings_hand_over(student, to, now, held)
    exhibition_ids = _panels_hand_over(student, to, now, held)
    notify_handover(
        student=student,
        occasion=occasion,
        given=held,
        taken_by=to.pk,
        meeting_ids=meeting_ids,
        exhibition_ids=exhibition_ids,
    )


def _meetings_hand_over(student: Student, to: User, now, held: Held) -> list[int]:
    """The new advisor leads each meeting to come (and is its organizer, so coming)."""
    meetings = (
        PlanMeeting.objects.select_for_update()
        .filter(student=student, status=PlanMeeting.Status.SCHEDULED, starts_at__gt=now)
        .exclude(advisor=to)
        .order_by("starts_at", "pk")
    )
    moved = []
    for meeting in meetings:
        held.setdefault(meeting.advisor_id, ([], []))[0].append(meeting.pk)
        meeting.invites.filter(role=MeetingInvite.Role.ADVISOR).exclude(person=to).delete()
        MeetingInvite.objects.update_or_create(
            meeting=meeting,
            person=to,
            defaults={
                "role": MeetingInvite.Role.ADVISOR,
                "response": MeetingInvite.Response.ACCEPTED,
                "responded_at": now,
            },
        )
        meeting.advisor = to
        meeting.save(update_fields=["advisor", "updated_at"])
        moved.append(meeting.pk)
    return moved


def _panels_hand_over(student: Student, to: User, now, held: Held) -> list[int]:
    """The new advisor takes the advisor's seat on each panel to come."""
    exhibitions = Exhibition.objects.filter(
        student=student, status=Exhibition.Status.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at", "pk")
    seats = Panelist.objects.filter(
        exhibition__in=exhibitions, role=Panelist.Role.ADVISOR, feedback__isnull=True
    ).exclude(person=to)
    for seat in seats:
        held.setdefault(seat.person_id, ([], []))[1].append(seat.exhibition_id)
    seats.delete()
    seated = Panelist.objects.filter(exhibition__in=exhibitions, person=to)
    new = [
        Panelist(exhibition_id=pk, person=to, role=Panelist.Role.ADVISOR)
        for pk in exhibitions.exclude(pk__in=seated.values("exhibition_id")).values_list(
            "pk", flat=True
        )
    ]
    Panelist.objects.bulk_create(new)
    return [seat.exhibition_id for seat in new]
