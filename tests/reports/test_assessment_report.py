"""The meetings, narratives and exhibitions report: meetings held, scheduled and missing;
narratives written and published; exhibitions held, results by learning goal, gateways."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigpicture.pages.reports.assessment import REPORT
from students.models import Exhibition, Feedback, Narrative, Panelist, PlanMeeting
from tests import factories
from tests.reports.helpers import for_report, scope_for
from tests.reports.helpers import row_values as row

Held, Scheduled = Exhibition.Status.HELD, Exhibition.Status.SCHEDULED


tables, drilled = for_report(REPORT)


def rate(exhibition, **ratings):
    panelist = Panelist.objects.create(
        exhibition=exhibition, name="Outside adult", role=Panelist.Role.OUTSIDE
    )
    Feedback.objects.create(
        exhibition=exhibition,
        panelist=panelist,
        ratings=ratings,
        recorded_by=exhibition.created_by,
    )


@pytest.fixture
def assessed(small):
    """This term: Harbor's first student met (meeting held), the second has one scheduled,
    the third's was cancelled; narratives for the first two, one published; the first
    exhibited (rated by two panelists). Summit's first (401) passed the graduation gateway,
    its second presented it and has not passed yet."""
    h1, h2, h3 = small.harbor_students
    s1, s2 = small.summit_students
    term = small.term
    advisor = small.harbor.advisor
    factories.MeetingFactory(student=h1, term=term, advisor=advisor, status=PlanMeeting.Status.HELD)
    factories.MeetingFactory(student=h2, term=term, advisor=advisor)
    factories.MeetingFactory(
        student=h3, term=term, advisor=advisor, status=PlanMeeting.Status.CANCELLED
    )
    factories.NarrativeFactory(student=h1, term=term, kind=Narrative.Kind.STUDENT, author=h1.user)
    factories.NarrativeFactory(student=h1, term=term, author=advisor, published_at=timezone.now())
    factories.NarrativeFactory(student=h2, term=term, author=advisor)
    shown = factories.ExhibitionFactory(student=h1, term=term, status=Held)
    rate(shown, empirical=3, communication=4)
    rate(shown, empirical=2)
    factories.ExhibitionFactory(student=h1, term=term, status=Scheduled)
    factories.ExhibitionFactory(student=h2, term=term, status=Scheduled)
    graduation = Exhibition.Gateway.GRADUATION
    factories.ExhibitionFactory(
        student=s1, term=term, status=Held, gateway=graduation, outcome="passed"
    )
    factories.ExhibitionFactory(
        student=s2, term=term, status=Held, gateway=graduation, outcome="not_yet"
    )


def test_meetings_held_scheduled_and_missing(small, assessed):
    meetings = tables(scope_for(small, small.admin))["meetings"]
    # Students, held, scheduled, missing.
    assert row(meetings, "This term", "Harbor") == [3, 1, 1, 1]
    assert row(meetings, "This term", "Summit") == [2, 0, 0, 2]


def test_narratives_written_and_published(small, assessed):
    narratives = tables(scope_for(small, small.admin))["narratives"]
    # Students, by the student, by the advisor, the advisor's published.
    assert row(narratives, "This term", "Harbor") == [3, 1, 2, 1]
    assert row(narratives, "This term", "Summit") == [2, 0, 0, 0]


def test_exhibitions_held_per_term(small, assessed):
    exhibitions = tables(scope_for(small, small.admin))["exhibitions"]
    # Students, exhibitions held, students who exhibited, with one scheduled, none held.
    assert row(exhibitions, "This term", "Harbor") == [3, 1, 1, 2, 2]
    assert row(exhibitions, "This term", "Summit") == [2, 2, 2, 0, 0]


def test_results_by_learning_goal_from_the_panels_rubrics(small, assessed):
    results = tables(scope_for(small, small.admin))["results"]
    # Beginning, developing, proficient, exemplary, ratings, mean, proficient or better.
    assert row(results, "Empirical Reasoning") == [0, 1, 1, 0, 2, 2.5, 50.0]
    assert row(results, "Communication") == [0, 0, 0, 1, 1, 4.0, 100.0]
    assert row(results, "Social Reasoning")[:5] == [0, 0, 0, 0, 0]


def test_results_count_each_rubric_when_several_panelists_give_the_same(small, assessed):
    shown = Exhibition.objects.get(student=small.harbor_students[0], status=Held)
    rate(shown, empirical=3, communication=4)  # the same rubric as the first panelist's
    rate(shown, social=1)
    results = tables(scope_for(small, small.admin))["results"]
    assert row(results, "Empirical Reasoning")[:5] == [0, 1, 2, 0, 3]
    assert row(results, "Communication")[:5] == [0, 0, 0, 2, 2]
    assert row(results, "Social Reasoning")[:5] == [1, 0, 0, 0, 1]


def test_gateways_passed_by_year_level(small, assessed):
    gateways = tables(scope_for(small, small.admin))["gateways"]
    # Students; year two: passed, share, not yet; graduation: passed, share, not yet.
    assert row(gateways, "401") == [2, 0, 0.0, 0, 1, 50.0, 1]
    assert row(gateways, "101")[:1] == [3]
    assert row(gateways, "101")[4] == 0


def test_drill_down_lists_exactly_the_students_behind_a_number(small, assessed):
    h1, h2, h3 = small.harbor_students
    s1, s2 = small.summit_students
    scope = scope_for(small, small.admin)
    harbor, term = small.harbor.pk, small.term.pk
    assert drilled(scope, "meetings", term=term, advisory=harbor, which="missing") == {h3.pk}
    assert drilled(scope, "meetings", term=term, advisory=harbor, which="held") == {h1.pk}
    assert drilled(scope, "narratives", term=term, advisory=harbor, which="advisor") == {
        h1.pk,
        h2.pk,
    }
    assert drilled(scope, "narratives", term=term, advisory=harbor, which="published") == {h1.pk}
    assert drilled(scope, "exhibitions", term=term, advisory=harbor, which="none") == {
        h2.pk,
        h3.pk,
    }
    assert drilled(scope, "rated", goal="communication", level=4) == {h1.pk}
    assert drilled(scope, "gateway", gateway="graduation", level=401) == {s1.pk}
    assert drilled(scope, "gateway-not-yet", gateway="graduation", level=401) == {s2.pk}


def test_an_advisor_sees_only_their_advisorys_students(client, small, assessed):
    advisor = small.harbor.advisor
    found = tables(scope_for(small, advisor))
    assert {cells[1].text for cells in found["meetings"].rows} == {"Harbor"}
    assert row(found["gateways"], "401")[:1] == [0]
    client.force_login(advisor)
    url = reverse("reports:report-students", args=["assessment"])
    query = {"measure": "meetings", "of_term": small.term.pk, "of_which": "missing"}
    assert client.get(url, {**query, "of_advisory": small.summit.pk}).status_code == 404
    html = client.get(url, {"measure": "gateway", "of_gateway": "graduation", "of_level": 401})
    assert small.summit_students[0].get_absolute_url() not in html.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"measure": "nonsense"},
        {"measure": "meetings", "of_advisory": "HARBOR", "of_term": "TERM", "of_which": "maybe"},
        {"measure": "meetings", "of_advisory": "HARBOR", "of_term": "0", "of_which": "held"},
        {"measure": "rated", "of_goal": "empirical", "of_level": "7"},
        {"measure": "gateway", "of_gateway": "year_two", "of_level": "501"},
    ],
)
def test_an_unknown_number_or_parameter_is_a_404(client, small, assessed, query):
    named = {"HARBOR": str(small.harbor.pk), "TERM": str(small.term.pk)}
    query = {k: named.get(v, v) for k, v in query.items()}
    client.force_login(small.admin)
    url = reverse("reports:report-students", args=["assessment"])
    assert client.get(url, query).status_code == 404


def test_another_schools_advisory_is_a_404(client, small, assessed):
    elsewhere = factories.AdvisoryFactory()
    client.force_login(small.admin)
    url = reverse("reports:report-students", args=["assessment"])
    query = {"measure": "meetings", "of_advisory": elsewhere.pk, "of_term": small.term.pk}
    assert client.get(url, {**query, "of_which": "held"}).status_code == 404


def test_sections_cost_the_same_queries_whatever_the_number_of_students(
    small, assessed, django_assert_max_num_queries
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
        factories.MeetingFactory(student=student, term=small.term)
        factories.NarrativeFactory(student=student, term=small.term)
        rate(factories.ExhibitionFactory(student=student, term=small.term, status=Held), social=3)
    with django_assert_max_num_queries(before):
        REPORT.sections(scope_for(small, small.admin))
    assert before <= 10


def test_the_page_renders_and_its_tables_download(client, small, assessed):
    client.force_login(small.admin)
    response = client.get(reverse("reports:report", args=["assessment"]))
    assert response.status_code == 200
    assert "Exhibition results by learning goal" in response.content.decode()
    for table in ("meetings", "narratives", "exhibitions", "results", "gateways"):
        url = reverse(
            "reports:report-table", kwargs={"slug": "assessment", "table": table, "format": "csv"}
        )
        response = client.get(url)
        assert response.status_code == 200
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert len(lines) > 1


def test_the_students_csv_has_the_reports_columns(client, small, assessed):
    client.force_login(small.admin)
    url = reverse("reports:report-students-export", kwargs={"slug": "assessment", "format": "csv"})
    response = client.get(url, {"term": small.term.pk, "year": small.year.pk})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][3:] == [
        "Plan meetings held",
        "Plan meetings scheduled",
        "Advisor's narratives published",
        "Exhibitions held",
        "Gateway at the end of year two: passed",
        "Graduation gateway: passed",
    ]
    values = [line[3:] for line in lines[1:]]
    assert len(values) == 5
    assert ["1", "0", "1", "1", "no", "no"] in values  # Harbor's first
    assert ["0", "0", "0", "1", "no", "yes"] in values  # Summit's first
