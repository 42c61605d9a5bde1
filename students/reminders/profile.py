"""Reminder rules over students and families: unplaced students, the families' weekly email."""

from datetime import date, timedelta

from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture.models import NotificationPreference, School
from bigpicture.notifications import NothingToSend
from bigpicture.notifications.rules import Draft, Rule, register, week_of
from bigpicture.selectors import current_year, school_admin_ids
from students.models import GuardianLink, Student


def unplaced_students(school: School, today: date, days: int) -> list[Draft]:
    """Each student left without an advisory for ``days`` days, once, to every admin."""
    admins = school_admin_ids(school)
    if not admins:
        return []
    students = (
        Student.objects.filter(school=school)
        .without_advisory()
        .annotate(left_on=Max("memberships__end_date"))
        .select_related("user")
    )
    drafts = []
    for student in students:
        since = student.left_on or student.enrolled_on
        if since + timedelta(days=days) > today:
            continue
        drafts += [
            Draft(
                recipient_id=admin,
                school_id=school.pk,
                subject_key=f"student:{student.pk}",
                subject=student.display_name,
                occasion=f"since-{since.isoformat()}",
                context={
                    "student": student.display_name,
                    "since": since.isoformat(),
                    "path": reverse("students:student-move", args=[student.pk]),
                },
            )
            for admin in admins
        ]
    return drafts


def weekly_progress(school: School, today: date, weekday: int) -> list[Draft]:
    """Once a week, from the chosen weekday on, each opted-in family's children at a glance."""
    if today.weekday() < weekday:
        return []
    opted_in = NotificationPreference.objects.filter(
        kind="progress", user__school=school, user__is_active=True
    ).exclude(delivery="off")
    current = Prefetch(
        "student__memberships",
        queryset=Membership.objects.current().select_related("advisory__advisor"),
        to_attr="current_memberships",
    )
    links = (
        GuardianLink.objects.filter(
            guardian_id__in=opted_in.values("user_id"), receives_reminders=True
        )
        .select_related("student__user", "student__school")
        .prefetch_related(current)
        .order_by("guardian_id", "student__user__first_name", "pk")
    )
    year = current_year(school)
    children: dict[int, list[dict]] = {}
    for link in links:
        children.setdefault(link.guardian_id, []).append(_child_summary(link.student, year))
    return [
        Draft(
            recipient_id=guardian_id,
            school_id=school.pk,
            subject_key=f"guardian:{guardian_id}",
            subject=", ".join(child["name"] for child in summaries),
            occasion=week_of(today),
            context={"children": summaries, "week": week_of(today)},
        )
        for guardian_id, summaries in children.items()
    ]


def _child_summary(student: Student, year) -> dict:
    membership = student.current_memberships[0] if student.current_memberships else None
    advisory = membership.advisory if membership else None
    return {
        "student_id": student.pk,
        "name": student.display_name,
        "year_level": year.year_level(student.graduating_class) if year else None,
        "advisory": advisory.name if advisory else "",
        "advisor": advisory.advisor.get_full_name() if advisory else "",
        "advisor_email": advisory.advisor.email if advisory else "",
        "profile_updated": timezone.localdate(student.updated_at, student.school.zone).isoformat(),
        "path": student.get_absolute_url(),
    }


STUDENT_WITHOUT_ADVISORY = register(
    Rule(
        key="student_without_advisory",
        kind="school",
        label=_("Student without an advisory"),
        description=_("Admins hear of a student who is not in any advisory."),
        days_label=_("Days without an advisory before the reminder"),
        default_days=7,
        scan=unplaced_students,
    )
)


def children_still_linked(notification) -> dict:
    """At send time, keep only the children the guardian is still linked to (and hears of)."""
    linked = set(
        GuardianLink.objects.filter(
            guardian_id=notification.recipient_id, receives_reminders=True
        ).values_list("student_id", flat=True)
    )
    children = [
        c for c in notification.context.get("children", []) if c.get("student_id") in linked
    ]
    if not children:
        raise NothingToSend("No child is linked to this guardian any more.")
    return {"children": children}


WEEKLY_PROGRESS = register(
    Rule(
        key="weekly_progress",
        kind="progress",
        label=_("Weekly progress for families"),
        description=_("Families who ask for it get a summary of each child's week."),
        days_label=_("Day of the week it is sent (0 Monday … 6 Sunday)"),
        default_days=4,
        max_days=6,
        scan=weekly_progress,
        live_context=children_still_linked,
    )
)
