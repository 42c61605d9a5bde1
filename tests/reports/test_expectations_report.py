"""The 10 Expectations and early warning report: ratings by advisory and by term (numbers
from fewer than five students hidden from admins), early-warning statuses, attendance, the
students behind each number, and what a drill-down never tells (who gave which score)."""

import csv
import io
from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from bigpicture.pages.reports.registry import REPORTS
from expectations.models import AttendanceMark, Engagement, SchoolExpectation
from tests import factories
from tests.reports.helpers import scope_of

REPORT = REPORTS["expectations"]
TABLES = ("heat", "trend", "status", "attendance")


def tables(scope) -> dict:
    return {section.table.slug: section.table for section in REPORT.sections(scope)}


def texts(table, name: str) -> list[str]:
    row = next(row for row in table.rows if row[0].text == name)
    return [cell.text for cell in row[1:]]


def column(table, header: str) -> int:
    return [str(h) for h in table.headers].index(header) - 1


def drilled(scope, measure: str, **params) -> set:
    params = {key: str(value) for key, value in params.items()}
    return set(REPORT.drill(scope, measure, params)[1])


def reflect(student, term, advisory, scores: dict, level=101):
    """A student's own reflection on a term, written in ``advisory``: scores by key."""
    reflection = factories.ReflectionFactory(
        student=student, term=term, advisory=advisory, year_level=level
    )
    for key, score in scores.items():
        factories.RatingFactory(
            reflection=reflection, expectation=factories.expectation(key), score=score
        )
    return reflection


@pytest.fixture
def school(small):
    """Harbor grown to five students, each reflecting on this term (relevance 1 to 5) and on
    the first term (relevance 2); Summit's two reflect on this term only; statuses and two
    days of Harbor's roll with an absence and a late arrival, one day of Summit's."""
    today = small.school.today()
    for _ in range(2):
        small.harbor_students.append(
            factories.MembershipFactory(
                advisory=small.harbor,
                start_date=today - timedelta(days=300),
                student__graduating_class=small.harbor.graduating_class,
            ).student
        )
    small.first_term = factories.TermFactory(
        school_year=small.year,
        name="First term",
        start_date=small.year.start_date,
        end_date=small.term.start_date - timedelta(days=1),
    )
    for score, student in enumerate(small.harbor_students, start=1):
        reflect(student, small.term, small.harbor, {"relevance": score, "choice": 4})
        reflect(student, small.first_term, small.harbor, {"relevance": 2})
    for student in small.summit_students:
        reflect(student, small.term, small.summit, {"relevance": 5}, level=401)
    now = timezone.now()
    statuses = ["watch", "act", "on_track", "on_track"]  # the fifth is not computed yet
    for student, status in zip(small.harbor_students, statuses, strict=False):
        Engagement.objects.create(student=student, status=status, computed_at=now)
    days = [
        factories.AttendanceSheetFactory(advisory=small.harbor, on=today - timedelta(days=n))
        for n in (4, 5)
    ]
    factories.AttendanceMarkFactory(sheet=days[0], student=small.harbor_students[0])
    factories.AttendanceMarkFactory(
        sheet=days[1], student=small.harbor_students[1], status=AttendanceMark.Status.LATE
    )
    factories.AttendanceSheetFactory(advisory=small.summit, on=today - timedelta(days=4))
    return small


def test_the_heat_map_averages_each_advisory_and_hides_groups_under_five(school):
    heat = tables(scope_of(school.admin))["heat"]
    relevance, choice = column(heat, "2. Relevance"), column(heat, "5. Choice")
    harbor, summit = texts(heat, "Harbor"), texts(heat, "Summit")
    assert harbor[0] == "5" and harbor[relevance] == "3.0" and harbor[choice] == "4.0"
    # Two students of Summit: their average of 5 and their number are a dash for an admin.
    assert summit[0] == "\u2013" and summit[relevance] == "\u2013"
    assert [cell.href for cell in heat.rows[1][1:]] == [""] * (len(heat.headers) - 1)
    # Their advisor sees their own advisory's numbers, however few.
    own = tables(scope_of(school.summit.advisor))["heat"]
    assert texts(own, "Summit")[0] == "2" and texts(own, "Summit")[relevance] == "5.0"


def test_the_heat_map_reads_the_chosen_term_and_the_advisory_at_writing(school):
    moved = school.harbor_students[0]
    # A reflection written while in Summit counts for Summit, wherever the student is now.
    moved.reflections.filter(term=school.first_term).update(advisory=school.summit)
    heat = tables(scope_of(school.admin, term=school.first_term.pk))["heat"]
    relevance = column(heat, "2. Relevance")
    assert texts(heat, "Harbor")[0] == "\u2013"  # four students: fewer than five
    assert texts(heat, "Summit")[0] == "\u2013"
    harbor_advisor = tables(scope_of(school.harbor.advisor, term=school.first_term.pk))["heat"]
    assert texts(harbor_advisor, "Harbor")[0] == "4"
    assert texts(harbor_advisor, "Harbor")[relevance] == "2.0"


def test_an_expectation_the_school_switched_off_leaves_the_report(school):
    SchoolExpectation.objects.create(
        school=school.school, expectation=factories.expectation("choice"), is_active=False
    )
    SchoolExpectation.objects.create(
        school=school.school, expectation=factories.expectation("relevance"), name="Meaning"
    )
    heat = tables(scope_of(school.admin))["heat"]
    headers = [str(header) for header in heat.headers]
    assert "2. Meaning" in headers and "5. Choice" not in headers


def test_the_trend_shows_each_terms_average_over_the_report(school):
    trend = tables(scope_of(school.admin))["trend"]
    assert [str(h) for h in trend.headers] == ["Expectation", "First term", "This term"]
    assert texts(trend, "Students who reflected") == ["5", "7"]
    # This term: Harbor's 1 to 5 and Summit's two 5s: 25 / 7.
    assert texts(trend, "2. Relevance") == ["2.0", "3.6"]
    assert texts(trend, "5. Choice") == ["\u2013", "4.0"]
    assert texts(trend, "1. Relationships") == ["\u2013", "\u2013"]
    summit = tables(scope_of(school.admin, advisory=school.summit.pk))["trend"]
    assert texts(summit, "2. Relevance") == ["\u2013", "\u2013"]  # two students: hidden


def test_students_are_counted_by_early_warning_status(school):
    status = tables(scope_of(school.admin))["status"]
    assert texts(status, "Harbor") == ["2", "1", "1", "1", "5"]
    assert texts(status, "Summit") == ["0", "0", "0", "2", "2"]


def test_attendance_counts_student_days_and_marks(school):
    attendance = tables(scope_of(school.admin))["attendance"]
    # Two days of a five-student roll: ten student-days, one absent, one late.
    assert texts(attendance, "Harbor") == ["2", "10", "8", "1", "1", "0", "80.0 %", "90.0 %"]
    assert texts(attendance, "Summit") == ["1", "2", "2", "0", "0", "0", "100.0 %", "100.0 %"]


def test_each_number_drills_down_to_exactly_its_students(school):
    scope = scope_of(school.admin)
    harbor = school.harbor_students
    status = dict(advisory=school.harbor.pk)
    assert drilled(scope, "status", **status, status="watch") == {harbor[0]}
    assert drilled(scope, "status", **status, status="on_track") == {harbor[2], harbor[3]}
    assert drilled(scope, "status", **status, status="unknown") == {harbor[4]}
    assert drilled(scope, "marked", **status, status="absent") == {harbor[0]}
    assert drilled(scope, "marked", **status, status="late") == {harbor[1]}
    assert drilled(scope, "members", **status) == set(harbor)
    term = school.term.pk
    assert drilled(scope, "reflected", term=term, advisory=school.harbor.pk) == set(harbor)
    assert drilled(scope, "reflected", term=term) == set(harbor + school.summit_students)
    choice = factories.expectation("choice").pk
    assert drilled(scope, "reflected", term=term, expectation=choice) == set(harbor)


def test_a_drill_down_never_tells_who_gave_which_score(school):
    """Privacy: the students behind an average are everyone who answered, the lowest and the
    highest score alike; no parameter picks a score, and the list has no rating column."""
    scope = scope_of(school.admin)
    relevance = factories.expectation("relevance").pk
    behind = drilled(
        scope, "reflected", term=school.term.pk, advisory=school.harbor.pk, expectation=relevance
    )
    assert behind == set(school.harbor_students)  # rated 1, 2, 3, 4 and 5
    for params in ({"score": "1"}, {"score": "5", "term": str(school.term.pk)}):
        with pytest.raises(Http404):
            REPORT.drill(scope, "reflected", params)
    for measure in ("rating", "score", "low_rating"):
        with pytest.raises(Http404):
            REPORT.drill(scope, measure, {"term": str(school.term.pk)})
    headers = [str(column.header).lower() for column in REPORT.columns(scope)]
    assert not any("rating" in header or "score" in header for header in headers)


def test_the_students_of_a_hidden_number_are_not_listed_to_an_admin(school):
    params = {"term": str(school.term.pk), "advisory": str(school.summit.pk)}
    caption, students = REPORT.drill(scope_of(school.admin), "reflected", params)
    assert list(students) == [] and "Fewer than 5" in caption
    _caption, students = REPORT.drill(scope_of(school.summit.advisor), "reflected", params)
    assert set(students) == set(school.summit_students)


def test_an_advisor_sees_only_their_advisory(school):
    scope = scope_of(school.harbor.advisor)
    for table in tables(scope).values():
        names = [row[0].text for row in table.rows]
        assert "Summit" not in names
    assert texts(tables(scope)["status"], "Harbor")[-1] == "5"
    assert drilled(scope, "reflected", term=school.term.pk) == set(school.harbor_students)
    with pytest.raises(Http404):
        drilled(scope, "members", advisory=school.summit.pk)


@pytest.mark.parametrize(
    ("measure", "params"),
    [
        ("nothing", {"advisory": "HARBOR"}),
        ("members", {}),
        ("members", {"advisory": "x"}),
        ("members", {"advisory": "OTHER"}),
        ("status", {"advisory": "HARBOR", "status": "asleep"}),
        ("status", {"advisory": "HARBOR"}),
        ("marked", {"advisory": "HARBOR", "status": "present"}),
        ("reflected", {}),
        ("reflected", {"term": "OTHER_TERM"}),
        ("reflected", {"term": "TERM", "advisory": "OTHER"}),
        ("reflected", {"term": "TERM", "expectation": "999"}),
    ],
)
def test_an_unknown_number_or_one_out_of_the_report_is_a_404(school, measure, params):
    other = factories.AdvisoryFactory()  # another school's
    other_term = factories.TermFactory(school_year__school=other.school)
    named = {
        "HARBOR": school.harbor.pk,
        "OTHER": other.pk,
        "TERM": school.term.pk,
        "OTHER_TERM": other_term.pk,
    }
    params = {key: str(named.get(value, value)) for key, value in params.items()}
    with pytest.raises(Http404):
        REPORT.drill(scope_of(school.admin), measure, params)


def test_sections_cost_the_same_queries_whatever_the_number_of_students(
    small, django_assert_max_num_queries
):
    def build():
        with django_assert_max_num_queries(40) as captured:
            tables(scope_of(small.admin))
        return len(captured)

    build()  # the school's year, cached for a minute, is read once
    before = build()
    today = small.school.today()
    sheet = factories.AttendanceSheetFactory(advisory=small.harbor, on=today - timedelta(days=3))
    for _ in range(7):
        student = factories.MembershipFactory(
            advisory=small.harbor,
            start_date=today - timedelta(days=300),
            student__graduating_class=small.harbor.graduating_class,
        ).student
        reflect(student, small.term, small.harbor, {"relevance": 3, "time": 2})
        factories.AttendanceMarkFactory(sheet=sheet, student=student)
        Engagement.objects.create(student=student, status="watch", computed_at=timezone.now())
    build()
    assert build() == before


def test_the_page_renders_and_each_table_downloads(client, school):
    client.force_login(school.admin)
    response = client.get(reverse("reports:report", args=["expectations"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="expectations-heat-title"' in html and "fewer than 5 students" in html
    for slug in TABLES:
        url = reverse(
            "reports:report-table", kwargs={"slug": "expectations", "table": slug, "format": "csv"}
        )
        response = client.get(url)
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert rows[0][0] in {"Advisory", "Expectation"}
        assert len(rows) > 1


def test_the_students_csv_carries_the_reports_columns(client, school):
    client.force_login(school.admin)
    url = reverse(
        "reports:report-students-export", kwargs={"slug": "expectations", "format": "csv"}
    )
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][3:] == [
        "Early-warning status",
        "Terms reflected on",
        "Days absent",
        "Days late",
        "Days excused",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    first = school.harbor_students[0]
    row = by_name[first.display_name]
    assert row[3:] == ["Watch", "2", "1", "0", "0"]
    assert len(rows) == 1 + 7
