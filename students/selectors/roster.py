"""What an advisor's roster shows of each student's learning this term."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bigpicture.selectors import current_term
from students.models import Exhibition, LearningPlan, PlanMeeting
from students.selectors.plans import with_progress_counts

WAITING_TOO_LONG_DAYS = 7


def with_learning(memberships, school) -> None:
    """Attach to each roster student this term's plan (status, goals met of total), their
    next meeting and exhibition, and what needs the advisor's attention. Three queries
    whatever the size of the roster, each reading only the columns shown."""
    students = {membership.student_id: membership.student for membership in memberships}
    term, now = current_term(school), timezone.now()
    plans = {}
    if term is not None:
        this_term = LearningPlan.objects.filter(student_id__in=students, term=term).only(
            "pk", "student_id", "status", "submitted_at"
        )
        plans = {plan.student_id: plan for plan in with_progress_counts(this_term)}
    upcoming = Q(status="scheduled", starts_at__gte=now)  # a meeting's or an exhibition's
    # One read of the meetings: this term's (any not cancelled) and the upcoming ones.
    cancelled = PlanMeeting.Status.CANCELLED
    meetings = PlanMeeting.objects.filter(student_id__in=students)
    if term is not None:
        meetings = meetings.filter((Q(term=term) & ~Q(status=cancelled)) | upcoming)
    else:
        meetings = meetings.filter(upcoming)
    meetings_this_term, next_meeting = set(), {}
    for meeting in _first_columns(meetings, "term_id", "status"):
        if term is not None and meeting.term_id == term.pk and meeting.status != cancelled:
            meetings_this_term.add(meeting.student_id)
        if meeting.status == PlanMeeting.Status.SCHEDULED and meeting.starts_at >= now:
            next_meeting.setdefault(meeting.student_id, meeting)
    next_exhibition = {}
    for exhibition in _first_columns(Exhibition.objects.filter(upcoming, student_id__in=students)):
        next_exhibition.setdefault(exhibition.student_id, exhibition)
    waited = now - timedelta(days=WAITING_TOO_LONG_DAYS)
    for student_id, student in students.items():
        plan = plans.get(student_id)
        student.plan = plan
        student.next_meeting = next_meeting.get(student_id)
        student.next_exhibition = next_exhibition.get(student_id)
        student.flags = _flags(term, plan, student_id in meetings_this_term, waited)


def _first_columns(rows, *columns: str):
    """Meetings or exhibitions, soonest first, with only what the dashboard shows (the link,
    the time) and ``columns``."""
    return rows.only("pk", "student_id", "starts_at", *columns).order_by("starts_at", "pk")


def _flags(term, plan, has_meeting: bool, waited) -> list[str]:
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
