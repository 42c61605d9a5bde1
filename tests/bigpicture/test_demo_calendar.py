"""The demo school on every day of the year: built with the clock at each fortnight of a year,
on the first and last days of terms and school years, in the summer break and late on a
Sunday evening in the school's time zone, it keeps every promise of the README's table of
demo logins, and each role can do there what the table invites them to do."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from advisories.models import Advisory
from bigpicture.demo import build_demo_school
from bigpicture.models import School, Term, User
from internships.models import DailyLog, HoursTarget, Mentor, Placement
from internships.services.logs import log_check_in, log_review
from internships.services.pipeline import placement_approve, placement_consent
from students.models import Exhibition, LearningPlan, Narrative, Student
from students.services.plans import plan_comment, plan_review, plan_submit

pytestmark = pytest.mark.django_db

Status = Placement.Status
FIRST = datetime(2026, 12, 12, 17, 0, tzinfo=UTC)  # noon in New York
FORTNIGHTS = [FIRST + timedelta(days=14 * n) for n in range(27)]  # one year and a day
EDGES = [
    datetime(2026, 12, 7, 3, 30, tzinfo=UTC),  # Sunday 22:30 in New York
    datetime(2026, 12, 7, 4, 30, tzinfo=UTC),  # Sunday 23:30 in New York
    datetime(2026, 12, 27, 12, 0, tzinfo=UTC),  # the winter holidays
    datetime(2027, 1, 23, 12, 0, tzinfo=UTC),  # last day of a term
    datetime(2027, 1, 24, 5, 0, tzinfo=UTC),  # first day of the next, just after midnight
    datetime(2027, 5, 15, 12, 0, tzinfo=UTC),  # a month before the year ends
    datetime(2027, 6, 15, 23, 0, tzinfo=UTC),  # the school year's last day, evening
    datetime(2027, 6, 16, 4, 30, tzinfo=UTC),  # the summer break's first night
    datetime(2027, 6, 30, 12, 0, tzinfo=UTC),
    datetime(2027, 7, 15, 16, 0, tzinfo=UTC),
    datetime(2027, 8, 21, 12, 0, tzinfo=UTC),
    datetime(2027, 8, 24, 23, 0, tzinfo=UTC),  # the break's last evening
    datetime(2027, 8, 25, 12, 0, tzinfo=UTC),  # first day of the school year
    datetime(2027, 9, 4, 12, 0, tzinfo=UTC),
]


def _keeps_the_readmes_promises(logins) -> None:
    school = School.objects.get(slug="demo")
    today = school.today()
    term = Term.objects.current_for(school, today=today)
    year = term.school_year

    # admin: advisories (in the full-size demo, two a class, one placed over capacity),
    # students waiting for an advisory, sites and mentors with one check expired, the hour
    # targets.
    advisories = Advisory.objects.filter(school=school)
    assert advisories.over_capacity().count() == (1 if advisories.count() > 4 else 0)
    assert Student.objects.filter(school=school).without_advisory().exists()
    mentors = Mentor.objects.filter(site__school=school).select_related("user")
    assert any("expired" in mentor.placement_refusal(today) for mentor in mentors)
    assert HoursTarget.objects.filter(school=school).count() == 4

    # student: a senior (a rising one in the summer) with a plan for every term since they
    # entered, this term's in draft to shape and submit, narratives and exhibitions, and an
    # internship to check in to today.
    student = Student.objects.select_related("user").get(user__email=logins.student)
    assert year.year_level(student.graduating_class) == 401
    assert LearningPlan.objects.filter(student=student).count() >= 12
    plan = LearningPlan.objects.get(student=student, term=term)
    assert plan.status == LearningPlan.Status.DRAFT
    plan_submit(plan=plan, by=student.user)
    assert Narrative.objects.filter(student=student, published_at__lte=datetime.now(UTC)).exists()
    assert Exhibition.objects.filter(student=student, status="held").exists()
    internship = Placement.objects.get(student=student, status=Status.ACTIVE)
    first, last = (internship.logs.order_by(o).first().on for o in ("on", "-on"))
    assert (last - first).days > 40  # months of logs
    log_check_in(placement=internship, by=student.user, goal="Fit the new rudder")

    # mentor: the demo student's, with days waiting for confirmation.
    mentor = User.objects.get(email=logins.mentor)
    assert internship.mentor.user == mentor
    waiting = internship.logs.filter(review=DailyLog.Review.CLAIMED, checked_out_at__isnull=False)
    log_review(log=waiting.earliest("on"), by=mentor, decision=DailyLog.Review.CONFIRMED)

    # advisor: the plans waiting for review, an internship proposal to approve, the
    # advisory's internship hours.
    advisor = User.objects.get(email=logins.advisor)
    advisory = Student.objects.filter(
        memberships__advisory__advisor=advisor, memberships__end_date__isnull=True
    )
    waiting_plans = LearningPlan.objects.filter(student__in=advisory, term=term, status="submitted")
    plan_review(plan=waiting_plans.exclude(pk=plan.pk).first(), by=advisor, approve=True)
    proposal = Placement.objects.get(student__in=advisory, status=Status.PROPOSED)
    placement_approve(placement=proposal, by=advisor)
    confirmed = DailyLog.objects.filter(
        placement__student__in=advisory, review=DailyLog.Review.CONFIRMED
    )
    assert confirmed.values("placement").distinct().count() > 1

    # guardian: a Spanish-speaking parent of two, with plans to read and comment on and an
    # internship waiting for their consent.
    guardian = User.objects.get(email=logins.guardian)
    assert (guardian.language, guardian.guardian_links.count()) == ("es", 2)
    children = Student.objects.filter(guardian_links__guardian=guardian)
    plans = LearningPlan.objects.filter(student__in=children).order_by("-term__start_date")
    plan_comment(plan=plans.first(), by=guardian, body="Gracias, lo vemos juntos.")
    consent = Placement.objects.get(student__in=children, status=Status.APPROVED)
    placement_consent(placement=consent, by=guardian)


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ")


@pytest.mark.parametrize("moment", FORTNIGHTS + EDGES, ids=_at)
def test_the_demo_builds_and_keeps_its_promises_on_any_day(moment):
    with time_machine.travel(moment, tick=False):
        logins = build_demo_school(students=40, seed=2026)
        _keeps_the_readmes_promises(logins)


@pytest.mark.parametrize("moment", [EDGES[1], EDGES[8], EDGES[10]], ids=_at)
def test_the_full_size_demo_keeps_its_promises_in_term_and_in_the_break(moment):
    with time_machine.travel(moment, tick=False):
        logins = build_demo_school(students=120, seed=2026)
        _keeps_the_readmes_promises(logins)
