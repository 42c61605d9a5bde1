"""The network admin's overview: each school's figures counted in the database, agreeing with
the school's own pages, for the network admin only, at a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advisories.models import Membership
from bigpicture.models import School
from bigpicture.pages.network import SCHOOL_DAYS, network_overview
from bigpicture.pages.selectors import school_overview
from expectations import report as expectations_report
from expectations.models import AttendanceMark, Engagement
from expectations.selectors.engagement import school_counts
from internships import report as internships_report
from internships.models import Placement
from internships.selectors.waiting import checks_expiring
from students.models import LearningPlan
from students.selectors.waiting import plans_to_review
from tests import factories

URL = reverse("bigpicture:network-overview")


def _row(school):
    rows = network_overview(School.objects.all())["rows"]
    return next(row for row in rows if row.school.pk == school.pk)


def _submitted(student, term, days_ago: int):
    return factories.PlanFactory(
        student=student,
        term=term,
        status=LearningPlan.Status.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=days_ago),
    )


def _roll(advisory, day, marks=()):
    """An advisory's roll on a day, with a mark for each (student, status) given."""
    sheet = factories.AttendanceSheetFactory(advisory=advisory, on=day)
    for student, status in marks:
        factories.AttendanceMarkFactory(sheet=sheet, student=student, status=status)
    return sheet


@pytest.fixture
def busy(world):
    """The world's first school at work: internships, plans, rolls, statuses and checks."""
    school, today = world.school, world.school.today()
    Membership.objects.filter(advisory__school=school).update(start_date=today - timedelta(300))
    harbor = [
        world.student,
        *(
            factories.MembershipFactory(
                advisory=world.advisory, start_date=today - timedelta(300)
            ).student
            for _ in range(3)
        ),
    ]
    factories.PlacementFactory(student=harbor[0])
    factories.PlacementFactory(student=harbor[0], site__organization="Second site")
    factories.PlacementFactory(student=harbor[1], status=Placement.Status.PROPOSED)
    factories.PlacementFactory(student=world.unplaced)  # not in an advisory: not counted
    _submitted(harbor[0], world.term, days_ago=1)
    _submitted(harbor[1], world.term, days_ago=10)
    _submitted(world.other_student, world.term, days_ago=20)
    _submitted(world.unplaced, world.term, days_ago=20)  # not in an advisory
    factories.PlanFactory(student=harbor[2], term=world.term)  # a draft waits for nobody
    for student, status in ((harbor[0], "watch"), (harbor[1], "act"), (harbor[2], "on_track")):
        Engagement.objects.create(student=student, status=status, computed_at=timezone.now())
    factories.MentorProfileFactory(site__school=school, check_expires_on=today + timedelta(10))
    factories.MentorProfileFactory(site__school=school, check_expires_on=today + timedelta(40))
    absent, late = AttendanceMark.Status.ABSENT, AttendanceMark.Status.LATE
    _roll(world.advisory, today, [(harbor[0], absent)])  # 4 students on the roll
    _roll(world.other_advisory, today - timedelta(1), [(world.other_student, late)])  # 1
    return harbor


def test_a_schools_figures(busy, world):
    row = _row(world.school)
    assert row.students == 5  # four in Harbor, one in Summit; not the unplaced student
    assert row.advisories == 2
    assert (row.internships, row.interns) == (2, 1)
    assert row.interns_share == "20.0 %"
    assert (row.plans_waiting, row.plans_late) == (3, 2)
    assert (row.student_days, row.marked) == (5, 2)
    assert row.attendance == "60.0 %"
    assert row.flagged == 2
    assert row.checks_due == 1
    other = _row(world.school2)
    assert (other.students, other.advisories, other.internships, other.plans_waiting) == (
        1,
        1,
        0,
        0,
    )
    assert other.attendance == "\u2013", "no roll taken: no rate"


def test_a_schools_row_agrees_with_its_own_pages(busy, world):
    """Each figure as the school's overview, reports, early warning and homes count it."""
    school, today = world.school, world.school.today()
    row = _row(school)
    overview = school_overview(school)
    assert (row.students, row.advisories) == (overview["placed_count"], overview["advisory_count"])
    members = Membership.objects.current().filter(advisory__school=school)
    active = internships_report.quiet(members, today)
    assert row.internships == sum(found for found, _quiet in active.values())
    advisors = {world.advisor, world.other_advisor}
    assert row.plans_waiting == sum(plans_to_review(advisor).count() for advisor in advisors)
    totals = school_counts(school, world.year)["totals"]
    assert row.flagged == totals["watch"] + totals["act"]
    assert row.checks_due == checks_expiring(school.pk, today).count()
    found = expectations_report.attendance(members, today - timedelta(SCHOOL_DAYS), today)
    assert row.student_days == sum(each["student_days"] for each in found.values())
    marks = expectations_report.MARKS
    assert row.marked == sum(each[mark] for each in found.values() for mark in marks)


def test_attendance_reads_the_last_30_school_days(world):
    """Days without a roll (weekends, holidays) do not count: the window is 30 rolls long."""
    today = world.school.today()
    Membership.objects.filter(advisory__school=world.school).update(
        start_date=today - timedelta(400)
    )
    days = [today - timedelta(2 * number) for number in range(SCHOOL_DAYS + 5)]
    for day in days[:SCHOOL_DAYS]:
        _roll(world.advisory, day)
    for day in days[SCHOOL_DAYS:]:  # older than the last 30 school days
        _roll(world.advisory, day, [(world.student, AttendanceMark.Status.ABSENT)])
    _roll(world.advisory, today + timedelta(1), [(world.student, "absent")])  # tomorrow's
    row = _row(world.school)
    assert (row.student_days, row.marked, row.attendance) == (SCHOOL_DAYS, 0, "100.0 %")


def test_a_student_who_left_counts_on_the_rolls_they_were_on(world):
    today = world.school.today()
    Membership.objects.filter(student=world.student).update(start_date=today - timedelta(10))
    _roll(world.advisory, today - timedelta(5), [(world.student, "absent")])
    Membership.objects.filter(student=world.student).update(end_date=today - timedelta(2))
    _roll(world.advisory, today)
    row = _row(world.school)
    assert (row.student_days, row.marked) == (1, 1)


def test_each_school_counts_from_its_own_day(db):
    """Kiritimati (UTC+14) is always a day ahead of Honolulu (UTC-10): the same expiry date
    is 30 days away in one and 31 in the other."""
    ahead = factories.SchoolFactory(name="Ahead", time_zone="Pacific/Kiritimati")
    behind = factories.SchoolFactory(name="Behind", time_zone="Pacific/Honolulu")
    assert ahead.today() == behind.today() + timedelta(1)
    expires = ahead.today() + timedelta(30)
    for school in (ahead, behind):
        factories.MentorProfileFactory(site__school=school, check_expires_on=expires)
    assert (_row(ahead).checks_due, _row(behind).checks_due) == (1, 0)


def test_the_networks_totals(busy, world):
    found = network_overview(School.objects.all())
    assert [row.school.name for row in found["rows"]] == ["Met Newport", "Met Providence"]
    totals = found["totals"]
    assert (totals.students, totals.advisories, totals.plans_waiting) == (6, 3, 3)
    assert totals.interns_share == f"{100 / 6:.1f} %"
    assert totals.attendance == "60.0 %"


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def network_admin(db):
    return factories.UserFactory(school=None, is_superuser=True, is_staff=True)


def test_the_page_links_each_school_to_its_overview(client, busy, world, network_admin):
    client.force_login(network_admin)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{world.school.get_absolute_url()}"' in page
    assert f'href="{world.school2.get_absolute_url()}"' in page
    assert page.index("Met Newport") < page.index("Met Providence")
    assert '<th scope="row">The network</th>' in page
    assert 'class="table-responsive"' in page


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor", "admin2"])
def test_only_the_network_admin_opens_it(client_as, role):
    assert client_as(role).get(URL).status_code == 403


def test_the_network_admins_home_links_to_it(client, world, network_admin, client_as):
    client.force_login(network_admin)
    assert URL in client.get(reverse("bigpicture:home")).content.decode()
    assert URL not in client_as("admin").get(reverse("bigpicture:home")).content.decode()


def _a_school(number: int):
    """A school with an advisory, students, a plan waiting, a roll and a mentor to check."""
    school = factories.SchoolFactory(name=f"School {number}")
    advisory = factories.AdvisoryFactory(school=school)
    year = factories.SchoolYearFactory(school=school)
    term = factories.TermFactory(school_year=year)
    students = [factories.MembershipFactory(advisory=advisory).student for _ in range(3)]
    factories.PlacementFactory(student=students[0])
    _submitted(students[1], term, days_ago=9)
    _roll(advisory, school.today(), [(students[2], "absent")])
    factories.MentorProfileFactory(site__school=school)


def test_the_page_costs_the_same_queries_for_one_school_or_five(client, network_admin):
    client.force_login(network_admin)
    counts = []
    for made, size in ((range(1), 1), (range(1, 5), 5)):
        for number in made:
            _a_school(number)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        assert response.content.decode().count('<th scope="row"><a href=') == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
