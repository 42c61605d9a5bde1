"""The early warning's writes: each student's status drawn from the signals (a whole school
at once, or one student on demand), the school's thresholds, and the advisor's check-ins."""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture.access import require_admin_of
from bigpicture.models import School, User
from bigpicture.records import Area, records_change, through
from expectations.models import CheckIn, Engagement, EngagementSettings, Expectation, signal_id
from expectations.selectors import engagement as selectors
from expectations.selectors.engagement import (
    ABSENCES,
    FALLING_RATING,
    LOW_RATING,
    MISSED,
    NO_HOURS,
    NO_INTERNSHIP,
    PLAN_QUIET,
    REFLECTION_DUE,
    Facts,
)
from students.models import Student

Status = Engagement.Status
THRESHOLDS = (
    *("low_rating", "falling_by", "plan_quiet_weeks", "internship_quiet_weeks"),
    *("absences", "act_signals"),
)


# --- the signals -------------------------------------------------------------------------------


def signals_of(student_id: int, facts: Facts) -> list[dict]:
    """Every signal of disengagement the facts show for one student, in a steady order."""
    return [
        *_rating_signals(student_id, facts),
        *_plan_signals(student_id, facts),
        *_counted(MISSED, facts.missed.get(student_id, 0), 1),
        *_internship_signals(student_id, facts),
        *_counted(ABSENCES, facts.absences.get(student_id, 0), facts.settings.absences),
        *_reflection_signals(student_id, facts),
    ]


def _counted(code: str, count: int, threshold: int) -> list[dict]:
    return [{"code": code, "value": count}] if count >= threshold else []


def _rating_signals(student_id: int, facts: Facts) -> list[dict]:
    """Low ratings in the student's latest reflection (this term's, else the last term's),
    and ratings fallen since the term before it."""
    rated = facts.ratings.get(student_id, {})
    latest = next((i for i, term in enumerate(facts.terms[:2]) if term.pk in rated), None)
    if latest is None:
        return []
    scores = rated[facts.terms[latest].pk]
    before = facts.terms[latest + 1].pk if latest + 1 < len(facts.terms) else None
    earlier = rated.get(before, {})
    low, falling = facts.settings.low_rating, facts.settings.falling_by
    found = []
    for number_key, score in sorted(scores.items()):
        if score <= low:
            found.append({"code": LOW_RATING, "key": number_key[1], "value": score})
    for number_key, score in sorted(scores.items()):
        drop = earlier.get(number_key, score) - score
        if drop >= falling:
            found.append({"code": FALLING_RATING, "key": number_key[1], "value": drop})
    return found


def _weeks(since: date, until: date) -> int:
    return max((until - since).days, 0) // 7


def _plan_signals(student_id: int, facts: Facts) -> list[dict]:
    """No change to the plan this term for the school's number of weeks (counted from the
    term's first day, the enrolment or the plan's last change, whichever came last)."""
    term = facts.term
    if term is None:
        return []
    since = max(
        term.start_date,
        facts.enrolled.get(student_id, term.start_date),
        facts.plan_changed.get(student_id, term.start_date),
    )
    weeks = _weeks(since, min(facts.today, term.end_date))
    return _counted(PLAN_QUIET, weeks, facts.settings.plan_quiet_weeks)


def _internship_signals(student_id: int, facts: Facts) -> list[dict]:
    """No internship consented or running, nor a step toward one for the school's number
    of weeks (a proposal, an informational interview, a shadow day); or one running without
    hours confirmed for those weeks (from its first day or the last confirmed day)."""
    if student_id not in facts.placed:
        return [] if student_id in facts.exploring else [{"code": NO_INTERNSHIP}]
    since = facts.active_since.get(student_id)
    if since is None:
        return []
    since = max(since, facts.confirmed_on.get(student_id, since))
    if since > facts.today:
        return []
    return _counted(NO_HOURS, _weeks(since, facts.today), facts.settings.internship_quiet_weeks)


def _reflection_signals(student_id: int, facts: Facts) -> list[dict]:
    """This term's or the last term's own reflection missing after its due date (for a
    student enrolled before that date)."""
    enrolled = facts.enrolled.get(student_id)
    for term in facts.terms[:2]:
        due = facts.due[term.pk]
        if enrolled is not None and enrolled >= due:
            continue
        if due < facts.today and (student_id, term.pk) not in facts.reflected:
            return [{"code": REFLECTION_DUE}]
    return []


def status_of(signals: list[dict], answered: Iterable[str], act_signals: int) -> str:
    """On track without an open signal; to act with ``act_signals`` open or more; else
    watch."""
    done = set(answered)
    count = sum(1 for signal in signals if signal_id(signal) not in done)
    if count == 0:
        return Status.ON_TRACK
    return Status.ACT if count >= act_signals else Status.WATCH


def _engagement(student_id: int, facts: Facts, now) -> Engagement:
    """A student's status from the facts; what a check-in answered stays answered while
    the signal lasts (a signal that goes and comes back is new)."""
    signals = signals_of(student_id, facts)
    present = {signal_id(signal) for signal in signals}
    answered = [done for done in facts.answered.get(student_id, []) if done in present]
    return Engagement(
        student_id=student_id,
        status=status_of(signals, answered, facts.settings.act_signals),
        signals=signals,
        answered=answered,
        computed_at=now,
    )


# --- computing ---------------------------------------------------------------------------------


@transaction.atomic
def compute_school(school: School, *, today: date | None = None) -> dict[str, int]:
    """Compute and store the status of every student now in one of the school's advisories,
    in a fixed number of queries; the number of students in each status."""
    answered = selectors.answered_locked(school.pk)
    facts = selectors.facts(school, today=today or school.today())
    facts.answered = answered
    now = timezone.now()
    rows = [_engagement(student_id, facts, now) for student_id in facts.enrolled]
    _store(rows)
    # Students who left every advisory drop out of the early warning.
    current = Membership.objects.current().filter(advisory__school_id=school.pk)
    stale = Engagement.objects.filter(student__school_id=school.pk)
    stale.exclude(student_id__in=current.values("student_id")).delete()
    counts = Counter(row.status for row in rows)
    return {status: counts.get(status, 0) for status in Status.values}


def _store(rows: list[Engagement]) -> None:
    """Insert or update the rows, in one statement per batch the database allows."""
    Engagement.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["student"],
        update_fields=["status", "signals", "answered", "computed_at"],
    )


@transaction.atomic
def compute_student(student: Student, *, today: date | None = None) -> Engagement:
    """Compute and store one student's status now (on demand)."""
    school = student.school
    answered = selectors.answered_locked(school.pk, student.pk)
    facts = selectors.facts(school, today=today or school.today(), student_id=student.pk)
    facts.answered = answered
    engagement = _engagement(student.pk, facts, timezone.now())
    _store([engagement])
    return Engagement.objects.get(student_id=student.pk)


def compute_every_school(*, today: date | None = None) -> dict[str, int]:
    """Compute every school's statuses, one school at a time; the students in each
    status over all of them."""
    total: Counter = Counter()
    for school in School.objects.order_by("pk"):
        total.update(compute_school(school, today=today))
    return {status: total.get(status, 0) for status in Status.values}


# --- the school's thresholds -------------------------------------------------------------------


@transaction.atomic
def settings_save(*, school: School, by: User, **values: int) -> EngagementSettings:
    """Save a school's thresholds (the row is made at the first save)."""
    require_admin_of(by, school.pk)
    row = EngagementSettings.objects.select_for_update().filter(school=school).first()
    row = row or EngagementSettings(school=school)
    for name in THRESHOLDS:
        if name in values:
            setattr(row, name, values[name])
    row.full_clean()
    row.save()
    return row


# --- check-ins ---------------------------------------------------------------------------------


@records_change(Area.ENGAGEMENT, student=through("student"))
@transaction.atomic
def check_in_record(
    *,
    student: Student,
    by: User,
    on: date,
    talked_about: str,
    follow_up: str = "",
    expectations: Iterable[Expectation] = (),
) -> CheckIn:
    """Record an advisor's check-in with a student: it answers the signals the student
    shows now, so their status is on track until a new one appears."""
    if not student.is_led_by(by):
        raise PermissionDenied
    _check_day(student, on)
    engagement = Engagement.objects.select_for_update().filter(student=student).first()
    answered = [signal_id(signal) for signal in engagement.signals] if engagement else []
    check_in = CheckIn(
        student=student,
        advisor=by,
        on=on,
        talked_about=talked_about,
        follow_up=follow_up,
        answered=answered,
    )
    check_in.full_clean()
    check_in.save()
    check_in.expectations.set(list(expectations))
    if engagement is not None:
        engagement.answered, engagement.status = answered, Status.ON_TRACK
        engagement.save(update_fields=["answered", "status"])
    return check_in


def _check_day(student: Student, on: date) -> None:
    if on > student.school.today():
        raise ValidationError({"on": _("A check-in cannot be in the future.")})
    if on < student.enrolled_on:
        message = _("A check-in cannot come before the student enrolled (%(day)s).")
        raise ValidationError({"on": message % {"day": date_format(student.enrolled_on)}})
