"""The demo school tells one story: its logins belong together, every date runs in order and
none claims to have happened after the day it is built, the advisor's flags say what the
plans say, each day's log is about its site's work, no two people share a name, and goals
are met more by some students than others, and more as they grow. Built small with a fixed
seed, in term time and in the summer break."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from statistics import mean, pvariance

import pytest
import time_machine
from django.utils import timezone, translation

from advisories.models import Membership
from bigpicture.demo import build_demo_school
from bigpicture.models import School, Term, User
from expectations.models import CheckIn
from internships.demo.texts import LOG_TEXTS
from internships.models import (
    DailyLog,
    Exploration,
    Mentor,
    Placement,
    PlacementEvent,
    Site,
    SiteVisit,
)
from students.models import (
    Exhibition,
    GuardianLink,
    LearningPlan,
    MeetingInvite,
    Narrative,
    PlanComment,
    PlanItem,
    PlanMeeting,
    ProgressUpdate,
    Student,
)
from students.selectors.roster import with_learning
from students.services.plans import plan_review, plan_submit

pytestmark = pytest.mark.django_db

MOMENTS = [
    datetime(2026, 12, 6, 17, 0, tzinfo=UTC),  # a Sunday in the second quarter
    datetime(2027, 5, 20, 14, 0, tzinfo=UTC),  # the year's last weeks
    datetime(2027, 6, 30, 16, 0, tzinfo=UTC),  # the summer break
    datetime(2027, 9, 3, 15, 0, tzinfo=UTC),  # the new year's first days
]
WAITING = "Waiting for review over 7 days"


@pytest.fixture(params=MOMENTS, ids=lambda moment: f"{moment:%Y-%m-%d}")
def demo(request):
    with time_machine.travel(request.param, tick=False):
        logins = build_demo_school(students=40, seed=2026)
        yield logins, School.objects.get(slug="demo")


def _current_students_of(advisor):
    return Student.objects.filter(
        memberships__advisory__advisor=advisor, memberships__end_date__isnull=True
    )


def test_the_logins_belong_together(demo):
    _logins_belong_together(*demo)


@pytest.mark.parametrize(("students", "seed"), [(120, 2026), (40, 7), (60, 11)])
def test_the_logins_belong_together_whatever_the_size_and_seed(students, seed):
    with time_machine.travel(MOMENTS[0], tick=False):
        logins = build_demo_school(students=students, seed=seed)
        _logins_belong_together(logins, School.objects.get(slug="demo"))


def _logins_belong_together(logins, school):
    advisor, guardian, mentor = (
        User.objects.get(email=email) for email in (logins.advisor, logins.guardian, logins.mentor)
    )
    student = Student.objects.select_related("user").get(user__email=logins.student)
    assert student in _current_students_of(advisor)
    assert GuardianLink.objects.filter(student=student, guardian=guardian).exists()
    assert guardian.language == "es" and guardian.guardian_links.count() == 2
    sibling = Student.objects.filter(guardian_links__guardian=guardian).exclude(pk=student.pk).get()
    assert Placement.objects.filter(student=sibling, status="approved").exists()  # her consent
    proposals = Placement.objects.filter(student__in=_current_students_of(advisor))
    assert proposals.filter(status="proposed").count() == 1  # one for the advisor to approve
    internship = Placement.objects.get(student=student, status="active")
    assert internship.mentor.user == mentor
    assert internship.consented_by == guardian  # she consented to this one before

    # The student submits this term's plan; their advisor reviews it.
    term = Term.objects.current_for(school, today=school.today())
    plan = LearningPlan.objects.get(student=student, term=term)
    plan_submit(plan=plan, by=student.user)
    plan_review(plan=plan, by=advisor, approve=True)
    plan.refresh_from_db()
    assert (plan.status, plan.reviewed_by) == (LearningPlan.Status.APPROVED, advisor)


def _in_order(*moments) -> bool:
    present = [m for m in moments if m is not None]
    return present == sorted(present)


def test_dates_run_in_order_and_nothing_claims_to_have_happened_after_today(demo):
    _logins, school = demo
    now, today = timezone.now(), school.today()
    of_school = {"student__school": school}

    placements = Placement.objects.filter(**of_school).prefetch_related("events", "logs")
    for p in placements:
        signed = (p.proposed_at, p.approved_at, p.consented_at, p.accepted_at)
        assert _in_order(*signed, now), p.status
        if p.accepted_at:  # accepted before the first day, and the first day logged after
            assert p.accepted_at.date() < p.start_on
        days = sorted(log.on for log in p.logs.all())
        if days:
            assert p.start_on <= days[0] and days[-1] < today
            assert p.accepted_at.date() < days[0]
        if p.ended_at:
            assert days[-1] < p.ended_at.astimezone(school.zone).date() <= today
        events = sorted(p.events.all(), key=lambda e: e.pk)
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[0].at == p.proposed_at and events[-1].at <= now
        assert events[-1].to_status == p.status
    arranged = placements.filter(status__in=["proposed", "approved", "consented"])
    assert arranged.exists() and all(p.start_on > today for p in arranged)
    assert not PlacementEvent.objects.filter(placement__student__school=school, at__gt=now)

    logs = DailyLog.objects.filter(placement__student__school=school)
    assert logs.exists() and not logs.filter(on__gte=today)
    for log in logs:
        assert log.checked_in_at < log.checked_out_at < now
        if log.reviewed_at:
            assert log.checked_out_at < log.reviewed_at < now

    plans = LearningPlan.objects.filter(**of_school).prefetch_related("revisions")
    for plan in plans:
        assert _in_order(plan.created_at, plan.submitted_at, plan.reviewed_at, now)
        revisions = sorted(plan.revisions.all(), key=lambda r: r.pk)
        assert revisions[0].at == plan.created_at
        assert [r.at for r in revisions] == sorted(r.at for r in revisions)
        if plan.submitted_at:
            assert plan.submitted_at in {r.at for r in revisions}
    assert not PlanComment.objects.filter(plan__student__school=school, created_at__gt=now)
    updates = ProgressUpdate.objects.filter(item__plan__student__school=school)
    assert not updates.filter(on__gt=today) and not updates.filter(created_at__gt=now)
    for update in updates.select_related("item__plan__term"):  # in the plan's term
        assert update.item.plan.term.start_date <= update.on

    assert not MeetingInvite.objects.filter(meeting__student__school=school, responded_at__gt=now)
    assert not PlanMeeting.objects.filter(**of_school, status="held", starts_at__gt=now)
    assert not Exhibition.objects.filter(**of_school, status="held", starts_at__gt=now)
    assert not Narrative.objects.filter(**of_school, published_at__gt=now)
    assert not Site.objects.filter(school=school, safety_reviewed_on__gt=today)
    assert not Mentor.objects.filter(site__school=school, checked_on__gt=today)
    assert not Exploration.objects.filter(**of_school, on__gt=today)
    assert not SiteVisit.objects.filter(placement__student__school=school, on__gt=today)
    assert not CheckIn.objects.filter(**of_school, on__gt=today)


def test_waiting_over_a_week_is_flagged_for_the_plans_sent_over_a_week_ago(demo):
    logins, school = demo
    now = timezone.now()
    memberships = list(
        Membership.objects.current().filter(advisory__school=school).select_related("student__user")
    )
    with translation.override("en"):
        with_learning(memberships, school)
    flagged, waiting = set(), set()
    for membership in memberships:
        student = membership.student
        if WAITING in student.flags:
            flagged.add(student.pk)
        plan = student.plan
        if plan and plan.status == "submitted" and plan.submitted_at < now - timedelta(days=7):
            waiting.add(student.pk)
    assert flagged == waiting
    # The demo advisor has a plan waiting over a week and one sent days ago.
    theirs = set(
        _current_students_of(User.objects.get(email=logins.advisor)).values_list("pk", flat=True)
    )
    submitted = LearningPlan.objects.filter(
        student__in=theirs, term=Term.objects.current_for(school), status="submitted"
    )
    assert submitted.filter(student__in=flagged).exists()
    assert submitted.exclude(student__in=flagged).exists()


def test_each_days_log_is_about_its_sites_work(demo):
    _logins, school = demo
    logs = DailyLog.objects.filter(placement__student__school=school).select_related(
        "placement__site"
    )
    industries = set()
    for log in logs:
        goals, did, reflections = LOG_TEXTS[log.placement.site.industry]
        assert (log.goal, log.did, log.reflection) in {
            (g, d, r) for g in goals for d in did for r in reflections
        }
        industries.add(log.placement.site.industry)
    assert len(industries) >= 3
    animals = ("dog", "cat", "animal", "pupp", "kennel")
    vet = [log for log in logs if log.placement.site.industry == "Veterinary care"]
    assert all(any(word in log.did.lower() for word in animals) for log in vet)
    # Sites of one cluster still have their own words: the library is not the school.
    assert set(LOG_TEXTS["Libraries"][1]).isdisjoint(LOG_TEXTS["Schools"][1])


def test_no_two_people_of_the_school_share_a_name(demo):
    _logins, school = demo
    names = list(User.objects.filter(school=school).values_list("first_name", "last_name"))
    assert len(names) == len(set(names))
    mentors = list(
        Mentor.objects.filter(site__school=school).values_list(
            "user__first_name", "user__last_name"
        )
    )
    assert len(mentors) >= 10 and len(mentors) == len(set(mentors))


def test_goals_are_met_more_by_some_than_others_and_more_as_students_grow(demo):
    _logins, school = demo
    today = school.today()
    items = PlanItem.objects.filter(
        plan__student__school=school, plan__term__end_date__lt=today
    ).values_list(
        "plan__student_id",
        "plan__student__graduating_class",
        "plan__term__school_year__end_date",
        "progress",
    )
    per_student, per_level = defaultdict(list), defaultdict(list)
    for student, graduating, year_end, progress in items:
        met = progress == PlanItem.Progress.MET
        per_student[student].append(met)
        per_level[4 - (graduating - year_end.year)].append(met)  # 1: first year .. 4: senior
    assert {p for *_rest, p in items} <= {"met", "carried_over"}
    counted = [mets for mets in per_student.values() if len(mets) >= 8]
    shares = [mean(mets) for mets in counted]
    assert len(shares) >= 10
    rate = mean(shares)
    assert 0.45 < rate < 0.85  # most goals met, not all
    assert min(shares) < 0.5 and max(shares) > 0.75
    # Students differ more than chance would make them if all met goals at one rate: the
    # spread of their shares is well over the binomial spread of one common rate.
    chance = mean(rate * (1 - rate) / len(mets) for mets in counted)
    assert pvariance(shares) > 2 * chance
    levels = {level: mean(mets) for level, mets in per_level.items() if len(mets) >= 40}
    assert levels[max(levels)] - levels[1] > 0.1  # they meet more than as freshmen

    # This term's goals are under way as far as the term has run: none met before it begins.
    term = Term.objects.current_for(school, today=today)
    current = PlanItem.objects.filter(plan__student__school=school, plan__term=term)
    if term.start_date >= today:
        assert set(current.values_list("progress", flat=True)) == {"not_started"}
    else:
        assert not current.filter(progress="carried_over").exists()
