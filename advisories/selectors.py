"""Reads behind the advisory pages and the advisor's home."""

from django.db.models import Prefetch

from advisories.models import Advisory, Membership
from bigpicture.selectors import current_year
from students.models import GuardianLink

GUARDIANS = Prefetch(
    "student__guardian_links",
    queryset=GuardianLink.objects.select_related("guardian").order_by(
        "-is_primary_contact", "guardian__last_name"
    ),
)


def _current_memberships(memberships, year):
    memberships = list(
        memberships.current()
        .select_related("student__user")
        .prefetch_related(GUARDIANS)
        .order_by("student__user__last_name", "student__user__first_name", "pk")
    )
    for membership in memberships:
        student = membership.student
        student.year_level = year.year_level(student.graduating_class) if year else None
    return memberships


def roster(advisory: Advisory) -> list[Membership]:
    """The students now in an advisory, with their year level and guardians."""
    return _current_memberships(advisory.memberships, current_year(advisory.school))


def past_members(advisory: Advisory) -> list[Membership]:
    """Students who were in the advisory and have left it, most recent first."""
    return list(
        advisory.memberships.filter(end_date__isnull=False)
        .select_related("student__user")
        .order_by("-end_date", "pk")
    )


def advisories_led_by(user) -> list[Advisory]:
    """The advisories a person leads, each with its current roster attached."""
    advisories = list(
        Advisory.objects.filter(advisor=user).with_size().select_related("school", "advisor")
    )
    if not advisories:
        return []
    memberships = _current_memberships(
        Membership.objects.filter(advisory__advisor=user), current_year(user.school)
    )
    with_learning(memberships, user.school)
    for advisory in advisories:
        advisory.roster = [m for m in memberships if m.advisory_id == advisory.pk]
    return advisories


def advisory_list(user, *, graduating_class: int | None = None):
    """Advisories a person may open, with sizes and advisors, for the list page."""
    advisories = Advisory.objects.visible_to(user)
    if graduating_class is not None:
        advisories = advisories.filter(graduating_class=graduating_class)
    return (
        advisories.with_size()
        .select_related("advisor", "school")
        .order_by("graduating_class", "name", "pk")
    )


WAITING_TOO_LONG_DAYS = 7


def with_learning(memberships, school) -> None:
    """Attach to each roster student this term's plan (status, goals met of total), their
    next meeting and exhibition, and what needs the advisor's attention. Five queries
    whatever the size of the roster."""
    from datetime import timedelta

    from django.utils import timezone

    from bigpicture.selectors import current_term
    from students.models import Exhibition, LearningPlan, PlanMeeting
    from students.selectors.plans import with_progress_counts

    students = {membership.student_id: membership.student for membership in memberships}
    term, now = current_term(school), timezone.now()
    plans, meetings_this_term = {}, set()
    if term is not None:
        this_term = LearningPlan.objects.filter(student_id__in=students, term=term)
        plans = {plan.student_id: plan for plan in with_progress_counts(this_term)}
        meetings_this_term = set(
            PlanMeeting.objects.filter(student_id__in=students, term=term)
            .exclude(status=PlanMeeting.Status.CANCELLED)
            .values_list("student_id", flat=True)
        )
    upcoming = {"status": "scheduled", "starts_at__gte": now, "student_id__in": students}
    next_meeting = _first_per_student(PlanMeeting.objects.filter(**upcoming))
    next_exhibition = _first_per_student(Exhibition.objects.filter(**upcoming))
    waited = now - timedelta(days=WAITING_TOO_LONG_DAYS)
    for student_id, student in students.items():
        plan = plans.get(student_id)
        student.plan = plan
        student.next_meeting = next_meeting.get(student_id)
        student.next_exhibition = next_exhibition.get(student_id)
        student.flags = _flags(term, plan, student_id in meetings_this_term, waited)


def _first_per_student(rows) -> dict:
    first = {}
    for row in rows.order_by("starts_at", "pk"):
        first.setdefault(row.student_id, row)
    return first


def _flags(term, plan, has_meeting: bool, waited) -> list[str]:
    from django.utils.translation import gettext as _

    from students.models import LearningPlan

    if term is None:
        return []
    flags = []
    if plan is None:
        flags.append(_("No plan this term"))
    elif plan.status == LearningPlan.Status.SUBMITTED and plan.submitted_at <= waited:
        flags.append(_("Waiting for review over 7 days"))
    if not has_meeting:
        flags.append(_("No meeting scheduled this term"))
    return flags
