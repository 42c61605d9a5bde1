"""The learning plans report: status per term by advisory, days waiting for review, goals met
by learning goal, carried-over goals; drill-downs, reach, downloads and query counts."""

import csv
import dataclasses
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigpicture.pages.reports.plans import REPORT
from bigpicture.pages.reports.tables import link, number, numbers, parameters
from students.models import LearningPlan, PlanItem
from tests import factories
from tests.reports.helpers import for_report, scope_for
from tests.reports.helpers import row_values as row

Status = LearningPlan.Status


tables, drilled = for_report(REPORT)


def days_ago(small, days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def plans(small):
    """This term: Harbor's first plan waits 3 days, the second 20, the third has none;
    Summit's first is a draft, the second approved. Goals: an empirical goal met, an
    empirical and communication one in progress, a personal one met; a goal carried in
    from last term, where it was carried over."""
    h1, h2, _h3 = small.harbor_students
    s1, s2 = small.summit_students
    today = small.school.today()
    last = factories.TermFactory(
        school_year=small.year,
        name="Last term",
        start_date=today - timedelta(days=60),
        end_date=today - timedelta(days=31),
    )
    term = small.term
    first = factories.PlanFactory(
        student=h1, term=term, status=Status.SUBMITTED, submitted_at=days_ago(small, 3)
    )
    second = factories.PlanFactory(
        student=h2, term=term, status=Status.SUBMITTED, submitted_at=days_ago(small, 20)
    )
    factories.PlanFactory(student=s1, term=term, status=Status.DRAFT)
    factories.PlanFactory(student=s2, term=term, status=Status.APPROVED)
    before = factories.PlanFactory(student=h1, term=last, status=Status.APPROVED)
    Goal, Progress = PlanItem.Kind.GOAL, PlanItem.Progress
    factories.PlanItemFactory(plan=first, kind=Goal, progress=Progress.MET, goals=["empirical"])
    factories.PlanItemFactory(
        plan=first, kind=Goal, progress=Progress.IN_PROGRESS, goals=["empirical", "communication"]
    )
    factories.PlanItemFactory(plan=second, kind=Goal, progress=Progress.MET, is_personal=True)
    old = factories.PlanItemFactory(plan=before, kind=Goal, progress=Progress.CARRIED_OVER)
    factories.PlanItemFactory(plan=second, kind=PlanItem.Kind.PROJECT, carried_from=old)
    return last


def test_status_per_term_by_advisory(small, plans):
    status = tables(scope_for(small, small.admin))["status"]
    # Students, no plan, draft, waiting, changes requested, approved.
    assert row(status, "This term", "Harbor") == [3, 1, 0, 2, 0, 0]
    assert row(status, "This term", "Summit") == [2, 0, 1, 0, 0, 1]
    assert row(status, "Last term", "Harbor") == [3, 2, 0, 0, 0, 1]


def test_days_waiting_for_review_by_band_and_longest(small, plans):
    waiting = tables(scope_for(small, small.admin))["waiting"]
    # Waiting, 0-7, 8-14, 15-30, over 30 days, longest wait.
    assert row(waiting, "Harbor") == [2, 1, 0, 1, 0, 20]
    assert row(waiting, "Summit")[:5] == [0, 0, 0, 0, 0]


def test_goals_met_by_learning_goal(small, plans):
    goals = tables(scope_for(small, small.admin))["goals"]
    # Goals, met, share met, students with one met.
    assert row(goals, "Empirical Reasoning") == [2, 1, 50.0, 1]
    assert row(goals, "Communication") == [1, 0, 0.0, 0]
    assert row(goals, "Personal goals") == [1, 1, 100.0, 1]
    assert row(goals, "Not tied to a learning goal")[:2] == [1, 0]  # last term's, carried


def test_carried_over_goals_by_advisory(small, plans):
    carried = tables(scope_for(small, small.admin))["carried"]
    # Items, carried over, carried in, students.
    assert row(carried, "Harbor") == [5, 1, 1, 2]
    this_term = tables(scope_for(small, small.admin, term=small.term))["carried"]
    assert row(this_term, "Harbor") == [4, 0, 1, 1]


def test_drill_down_lists_exactly_the_students_behind_a_number(small, plans):
    h1, h2, h3 = small.harbor_students
    scope = scope_for(small, small.admin)
    harbor, term = small.harbor.pk, small.term.pk
    assert drilled(scope, "status", term=term, advisory=harbor, status="none") == {h3.pk}
    assert drilled(scope, "status", term=term, advisory=harbor, status="submitted") == {
        h1.pk,
        h2.pk,
    }
    assert drilled(scope, "waiting", advisory=harbor, band=2) == {h2.pk}
    assert drilled(scope, "waiting", advisory=harbor) == {h1.pk, h2.pk}
    assert drilled(scope, "met", goal="empirical") == {h1.pk}
    assert drilled(scope, "goals", goal="communication") == {h1.pk}
    assert drilled(scope, "met", goal="personal") == {h2.pk}
    assert drilled(scope, "carried", advisory=harbor, way="in") == {h2.pk}
    assert drilled(scope, "carried", advisory=harbor, way="either") == {h1.pk, h2.pk}


def test_an_advisor_sees_only_their_advisorys_students(client, small, plans):
    advisor = small.harbor.advisor
    scope = scope_for(small, advisor)
    found = tables(scope)
    assert [cells[0].text for cells in found["waiting"].rows] == ["Harbor"]
    assert row(found["goals"], "Empirical Reasoning")[:2] == [2, 1]
    client.force_login(advisor)
    url = reverse("reports:report-students", args=["plans"])
    query = {"measure": "status", "of_term": small.term.pk, "of_status": "draft"}
    response = client.get(url, {**query, "of_advisory": small.summit.pk})
    assert response.status_code == 404
    response = client.get(url, {"measure": "met", "of_goal": "personal"})
    assert small.harbor_students[1].get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"measure": "nonsense"},
        {"measure": "status", "of_advisory": "x", "of_term": "1", "of_status": "draft"},
        {"measure": "waiting", "of_advisory": "HARBOR", "of_band": "9"},
        {"measure": "met", "of_goal": "astrology"},
        {"measure": "carried", "of_advisory": "HARBOR", "of_way": "sideways"},
    ],
)
def test_an_unknown_number_or_parameter_is_a_404(client, small, plans, query):
    query = {k: str(small.harbor.pk) if v == "HARBOR" else v for k, v in query.items()}
    client.force_login(small.admin)
    url = reverse("reports:report-students", args=["plans"])
    assert client.get(url, query).status_code == 404


def test_another_schools_advisory_is_a_404(client, small, plans):
    elsewhere = factories.AdvisoryFactory()
    client.force_login(small.admin)
    url = reverse("reports:report-students", args=["plans"])
    query = {"measure": "waiting", "of_advisory": elsewhere.pk}
    assert client.get(url, query).status_code == 404


def test_sections_cost_the_same_queries_whatever_the_number_of_students(
    small, plans, django_assert_max_num_queries
):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            REPORT.sections(scope_for(small, small.admin))
        return len(captured)

    before = count()
    for _ in range(7):
        student = factories.MembershipFactory(
            advisory=small.harbor, start_date=small.year.start_date
        ).student
        plan = factories.PlanFactory(student=student, term=small.term, status=Status.SUBMITTED)
        factories.PlanItemFactory(plan=plan, progress=PlanItem.Progress.MET, goals=["social"])
    with django_assert_max_num_queries(before):
        REPORT.sections(scope_for(small, small.admin))
    assert before <= 10


def test_the_page_renders_and_its_tables_download(client, small, plans):
    client.force_login(small.admin)
    response = client.get(reverse("reports:report", args=["plans"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plan status per term" in html and 'role="img"' in html
    for table in ("status", "waiting", "goals", "carried"):
        url = reverse(
            "reports:report-table", kwargs={"slug": "plans", "table": table, "format": "csv"}
        )
        response = client.get(url)
        assert response.status_code == 200
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert len(lines) > 1


def test_the_students_csv_has_the_reports_columns(client, small, plans):
    client.force_login(small.admin)
    url = reverse("reports:report-students-export", kwargs={"slug": "plans", "format": "csv"})
    response = client.get(url, {"term": small.term.pk, "year": small.year.pk})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    header = lines[0]
    assert header[3:] == [
        "Plan status (latest term)",
        "Goals met",
        "Goals and projects carried over",
    ]
    values = [line[3:] for line in lines[1:]]
    assert len(values) == 5
    assert ["Waiting for review", "1", "0"] in values  # h1: one goal met
    assert ["Waiting for review", "1", "1"] in values  # h2: personal met, a project carried in
    assert ["No plan", "0", "0"] in values


def test_every_numbers_link_is_the_one_the_frame_writes(small, plans):
    """The report writes its links from one prefix per measure: each must read as ``link``'s."""
    scope = dataclasses.replace(
        scope_for(small, small.admin), query=f"year={small.year.pk}&term={small.term.pk}"
    )
    hrefs = [
        cell.href
        for table in tables(scope).values()
        for cells in table.rows
        for cell in cells
        if cell.href
    ]
    assert any("status=submitted" in href for href in hrefs)
    assert any("of_band=0" in href for href in hrefs)
    for href in hrefs:
        query = QueryDict(href.split("?", 1)[1])
        assert href == link(scope, REPORT, query["measure"], **parameters(query))


def test_counted_cells_read_as_the_frames_numbers():
    counted = numbers()
    for value, href in [(3, "/a"), (3, ""), (0, "/b"), (None, "/c"), (1250, "/d"), (3, "/e")]:
        assert counted(value, href) == number(value, href)
