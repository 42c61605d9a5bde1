"""Reminder rules about the daily log: days waiting for the mentor, a day disputed, and an
active internship with no day logged for two weeks."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.models import School
from bigpicture.names import display_name
from bigpicture.notifications.rules import Draft, Rule, register, week_of
from internships.models import DailyLog, Placement
from students.reminders.plans import advisor_ids

WINDOW_DAYS = 14  # a silent internship is brought up at most once in each such window


def _hours(value) -> str:
    """Hours as people write them: 6.5, 4, 0."""
    return format(value.normalize(), "f") if value is not None else ""


def notify_disputed(log: DailyLog) -> None:
    """Tell the student and their advisor that the mentor disputed a day."""
    placement = log.placement
    student = placement.student
    context = {
        "student": student.display_name,
        "mentor": placement.mentor.user.get_full_name(),
        "site": placement.site.organization,
        "day": log.on.isoformat(),
        "claimed": _hours(log.hours),
        "confirmed": _hours(log.confirmed_hours),
        "comment": log.mentor_comment,
        "path": reverse("internships:placement-logs", args=[placement.pk]),
    }
    recipients = [student.user_id]
    advisor = advisor_ids([student.pk]).get(student.pk)
    if advisor is not None:
        recipients.append(advisor)
    drafts = [
        Draft(
            recipient_id=recipient,
            school_id=student.school_id,
            subject_key=f"log:{log.pk}",
            subject=f"{student.display_name} {log.on.isoformat()}",
            occasion=f"disputed-{log.reviewed_at.isoformat()}",
            context={**context, "to_student": recipient == student.user_id},
        )
        for recipient in recipients
    ]
    notifications.record(LOG_DISPUTED, drafts)


def confirmations_due(school: School, today: date, days: int) -> list[Draft]:
    """Once a week, each mentor with days checked out ``days`` days ago or more and still
    unreviewed, with the interns concerned."""
    cutoff = datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=school.zone)
    waiting = (
        DailyLog.objects.filter(
            placement__student__school=school,
            placement__mentor__user__is_active=True,
            review=DailyLog.Review.CLAIMED,
            checked_out_at__lt=cutoff,
        )
        .values(
            "placement_id",
            "placement__mentor__user_id",
            "placement__student__user__first_name",
            "placement__student__preferred_name",
            "placement__student__user__last_name",
        )
        .annotate(count=Count("pk"), oldest=Min("on"))
        .order_by("placement__mentor__user_id", "oldest", "placement_id")
    )
    interns: dict[int, list[dict]] = {}
    for row in waiting:
        interns.setdefault(row["placement__mentor__user_id"], []).append(
            {
                "name": display_name(
                    row["placement__student__preferred_name"],
                    row["placement__student__user__first_name"],
                    row["placement__student__user__last_name"],
                ),
                "count": row["count"],
                "oldest": row["oldest"].isoformat(),
            }
        )
    path = reverse("internships:mentor-logs")
    return [
        Draft(
            recipient_id=mentor_id,
            school_id=school.pk,
            subject_key=f"mentor:{mentor_id}",
            subject=", ".join(intern["name"] for intern in listed),
            occasion=week_of(today),
            context={
                "interns": listed,
                "count": sum(intern["count"] for intern in listed),
                "path": path,
            },
        )
        for mentor_id, listed in interns.items()
    ]


def silent_placements(school: School, today: date, days: int) -> list[Draft]:
    """Each active internship with no day logged for ``days`` days, to the student and their
    advisor, at most once in each 14-day window after its last log (or its first day)."""
    since = today - timedelta(days=days)
    placements = (
        Placement.objects.filter(
            student__school=school, status=Placement.Status.ACTIVE, start_on__lte=since
        )
        .annotate(last_log=Max("logs__on"))
        .annotate(quiet_since=Coalesce("last_log", "start_on"))
        .filter(Q(quiet_since__lte=since))
        .select_related("student__user", "site")
        .order_by("pk")
    )
    placements = list(placements)
    advisors = advisor_ids([placement.student_id for placement in placements])
    drafts = []
    for placement in placements:
        student = placement.student
        window = (today - placement.quiet_since).days // WINDOW_DAYS
        context = {
            "student": student.display_name,
            "site": placement.site.organization,
            "last_log": placement.last_log.isoformat() if placement.last_log else "",
            "start_on": placement.start_on.isoformat(),
            "days": (today - placement.quiet_since).days,
            "path": reverse("internships:placement-logs", args=[placement.pk]),
        }
        recipients = [student.user_id]
        if student.pk in advisors:
            recipients.append(advisors[student.pk])
        drafts += [
            Draft(
                recipient_id=recipient,
                school_id=school.pk,
                subject_key=f"placement:{placement.pk}",
                subject=student.display_name,
                occasion=f"quiet-{placement.quiet_since.isoformat()}-{window}",
                context={**context, "to_student": recipient == student.user_id},
            )
            for recipient in recipients
        ]
    return drafts


LOG_DISPUTED = register(
    Rule(
        key="log_disputed",
        kind="internships",
        label=_("Internship day disputed"),
        description=_(
            "Students and their advisor hear when a mentor disputes the attendance or hours "
            "of an internship day."
        ),
    )
)
LOG_CONFIRMATIONS_DUE = register(
    Rule(
        key="log_confirmations_due",
        kind="internships",
        label=_("Internship days waiting for the mentor"),
        description=_(
            "Once a week, mentors are reminded of their interns' days that wait for "
            "their confirmation."
        ),
        days_label=_("Days a logged day waits before the reminder"),
        default_days=3,
        scan=confirmations_due,
    )
)
NO_LOG_TWO_WEEKS = register(
    Rule(
        key="no_log_two_weeks",
        kind="internships",
        label=_("No internship day logged"),
        description=_(
            "Students and their advisor hear when an active internship has had no day "
            "logged for a while."
        ),
        days_label=_("Days without a logged day before the reminder"),
        default_days=14,
        scan=silent_placements,
    )
)
