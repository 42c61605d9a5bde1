"""What an advisor's roster shows of each student's learning this term."""

from datetime import datetime, timedelta

from django.db.models import BooleanField, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from bigpicture.links import link
from bigpicture.prepared import prepared
from bigpicture.selectors import current_term
from students.models import Exhibition, LearningPlan, PlanItem, PlanMeeting

WAITING_TOO_LONG_DAYS = 7
MET = PlanItem.Progress.MET


_PK = 9_876_543_210  # stands in for each row's number: a link reversed once per page


class _Shown:
    """A plan, meeting or exhibition as the dashboard shows it: plain attributes."""

    __slots__ = (
        *("items_met", "items_total", "pk", "progress", "starts_at"),
        *("status", "status_label", "submitted_at", "url"),
    )

    def __init__(self, pk, url, **values):
        self.pk, self.url = pk, url
        for name, value in values.items():
            setattr(self, name, value)


def _linker(name: str):
    """``pk -> URL`` of the page ``name``, reversed once: ``link(name, pk)`` at the cost of
    string formatting."""
    head, _mark, tail = link(name, _PK).partition(str(_PK))
    return lambda pk: f"{head}{pk}{tail}"


def with_learning(memberships, school) -> None:
    """Attach to each roster student this term's plan (status, goals met of total), their
    next meeting and exhibition, and what needs the advisor's attention. Three flat reads
    (plain values, no model instances) whatever the size of the roster; labels translated
    once per page."""
    students = {membership.student_id: membership.student for membership in memberships}
    term, now = current_term(school), timezone.now()
    plans = {}
    if term is not None:
        counts, shown = {}, {}
        for pk, student_id, status, submitted_at, progress in _plans(list(students), term.pk):
            if pk not in shown:
                shown[pk], counts[pk] = (student_id, status, submitted_at), [0, 0]
            if progress is not None:
                counts[pk][1] += 1
                counts[pk][0] += progress == MET
        plan_url, labels, of = _linker("students:plan-detail"), {}, _("%(met)s of %(total)s")
        for pk, (student_id, status, submitted_at) in shown.items():
            label = labels.get(status)
            if label is None:
                label = labels[status] = str(LearningPlan.Status(status).label)
            met, total = counts[pk]
            plans[student_id] = _Shown(
                pk,
                plan_url(pk),
                status=status,
                status_label=label,
                submitted_at=submitted_at,
                items_met=met,
                items_total=total,
                progress=of % {"met": met, "total": total},
            )
    # One flat read of this term's meetings (any not cancelled), the upcoming ones and the
    # upcoming exhibitions, soonest first.
    if term is not None:
        rows = _meetings_and_exhibitions(list(students), term.pk, now)
    else:
        rows = _upcoming(list(students), now)
    meetings_this_term, next_meeting, next_exhibition = set(), {}, {}
    meeting_url = _linker("students:meeting-detail")
    exhibition_url = _linker("students:exhibition-detail")
    cancelled, scheduled = PlanMeeting.Status.CANCELLED, PlanMeeting.Status.SCHEDULED
    for pk, student_id, starts_at, term_id, status, exhibition in rows:
        if exhibition:
            if student_id not in next_exhibition:
                next_exhibition[student_id] = _Shown(pk, exhibition_url(pk), starts_at=starts_at)
            continue
        if term is not None and term_id == term.pk and status != cancelled:
            meetings_this_term.add(student_id)
        if status == scheduled and starts_at >= now and student_id not in next_meeting:
            next_meeting[student_id] = _Shown(pk, meeting_url(pk), starts_at=starts_at)
    waited = now - timedelta(days=WAITING_TOO_LONG_DAYS)
    for student_id, student in students.items():
        plan = plans.get(student_id)
        student.plan = plan
        student.next_meeting = next_meeting.get(student_id)
        student.next_exhibition = next_exhibition.get(student_id)
        student.flags = _flags(term, plan, student_id in meetings_this_term, waited)


def _first_columns(rows, exhibition: bool):
    """Meetings or exhibitions as (pk, student, time, term, status, is exhibition) tuples:
    only what the dashboard shows (the link, the time) and what its flags need."""
    return (
        rows.order_by()
        .annotate(exhibition=Value(exhibition, output_field=BooleanField()))
        .values_list("pk", "student_id", "starts_at", "term_id", "status", "exhibition")
    )


@prepared
def _plans(students: list[int], term: int):
    # a row per goal or project (or one for a plan without any), counted in Python rather
    # than grouped in SQL
    return (
        LearningPlan.objects.filter(student_id__in=students, term_id=term)
        .order_by()
        .values_list("pk", "student_id", "status", "submitted_at", "items__progress")
    )


def _upcoming_of(students: list[int], now, this_term: Q | None = None):
    upcoming = Q(status="scheduled", starts_at__gte=now)  # a meeting's or an exhibition's
    shown = upcoming if this_term is None else this_term | upcoming
    meetings = PlanMeeting.objects.filter(shown, student_id__in=students)
    exhibitions = Exhibition.objects.filter(upcoming, student_id__in=students)
    rows = _first_columns(meetings, False).union(_first_columns(exhibitions, True), all=True)
    return rows.order_by("starts_at", "pk")


@prepared
def _meetings_and_exhibitions(students: list[int], term: int, now: datetime):
    this_term = Q(term_id=term) & ~Q(status=PlanMeeting.Status.CANCELLED)
    return _upcoming_of(students, now, this_term)


@prepared
def _upcoming(students: list[int], now: datetime):
    return _upcoming_of(students, now)


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
