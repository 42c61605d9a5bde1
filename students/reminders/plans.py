"""Reminder rules about learning plans: a plan submitted, reviewed, or waiting too long."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture import notifications
from bigpicture.models import School
from bigpicture.notifications.rules import Draft, Rule, register
from students.models import LearningPlan


def advisor_ids(student_ids) -> dict[int, int]:
    """Student id -> the id of their current advisor, for students who have one."""
    memberships = Membership.objects.current().filter(
        student_id__in=student_ids, advisory__advisor__is_active=True
    )
    return dict(memberships.values_list("student_id", "advisory__advisor_id"))


def _plan_context(plan: LearningPlan) -> dict:
    return {
        "student": plan.student.display_name,
        "term": str(plan.term),
        "version": plan.version,
        "path": plan.get_absolute_url(),
    }


def notify_submitted(plan: LearningPlan) -> None:
    """Tell the student's advisor that a plan waits for their review."""
    advisor = advisor_ids([plan.student_id]).get(plan.student_id)
    if advisor is None:
        return
    draft = Draft(
        recipient_id=advisor,
        school_id=plan.student.school_id,
        subject_key=f"plan:{plan.pk}",
        subject=plan.student.display_name,
        occasion=f"submitted-{plan.submitted_at.isoformat()}",
        context=_plan_context(plan),
    )
    notifications.record(PLAN_SUBMITTED, [draft])


def notify_reviewed(plan: LearningPlan, comment: str) -> None:
    """Tell the student their advisor approved the plan or asked for changes."""
    draft = Draft(
        recipient_id=plan.student.user_id,
        school_id=plan.student.school_id,
        subject_key=f"plan:{plan.pk}",
        subject=str(plan.term),
        occasion=f"reviewed-{plan.reviewed_at.isoformat()}",
        context={
            **_plan_context(plan),
            "approved": plan.status == LearningPlan.Status.APPROVED,
            "comment": comment,
            "reviewer": plan.reviewed_by.get_full_name(),
        },
    )
    notifications.record(PLAN_REVIEWED, [draft])


def _local_day(moment: datetime, school: School) -> str:
    return timezone.localtime(moment, school.zone).date().isoformat()


def plans_waiting(school: School, today: date, days: int) -> list[Draft]:
    """Each plan waiting for review for ``days`` days or more, once, to the advisor."""
    # Submitted on or before the day ``days`` ago, by the school's own calendar.
    cutoff = datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=school.zone)
    waiting = (
        LearningPlan.objects.filter(
            student__school=school,
            status=LearningPlan.Status.SUBMITTED,
            submitted_at__lt=cutoff,
        )
        .select_related("student__user", "term__school_year")
        .order_by("submitted_at")
    )
    plans = list(waiting)
    advisors = advisor_ids([plan.student_id for plan in plans])
    return [
        Draft(
            recipient_id=advisors[plan.student_id],
            school_id=school.pk,
            subject_key=f"plan:{plan.pk}",
            subject=plan.student.display_name,
            occasion=f"waiting-{plan.submitted_at.isoformat()}",
            context={**_plan_context(plan), "since": _local_day(plan.submitted_at, school)},
        )
        for plan in plans
        if plan.student_id in advisors
    ]


PLAN_SUBMITTED = register(
    Rule(
        key="plan_submitted",
        kind="learning",
        label=_("Learning plan submitted"),
        description=_("Advisors hear when a student submits a plan or a revision for review."),
    )
)
PLAN_REVIEWED = register(
    Rule(
        key="plan_reviewed",
        kind="learning",
        label=_("Learning plan reviewed"),
        description=_("Students hear when their advisor approves their plan or asks for changes."),
    )
)
PLAN_WAITING = register(
    Rule(
        key="plan_waiting",
        kind="learning",
        label=_("Learning plan waiting for review"),
        description=_("Advisors are reminded of a plan that has waited for their review."),
        days_label=_("Days a plan waits before the reminder"),
        default_days=7,
        scan=plans_waiting,
    )
)
