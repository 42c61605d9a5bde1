"""The reports area's frame: filters and reach, drill-downs, downloads, charts, query counts;
checked through the advisories report (each report has its own tests beside this one)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from advisories.models import Membership
from bigpicture.models import AccessRecord
from bigpicture.pages.reports import charts
from bigpicture.pages.reports.registry import REPORTS
from tests import factories


def report_url(slug="advisories", **query):
    url = reverse("reports:report", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def students_url(slug="advisories", **query):
    """The students behind a number (its own parameters prefixed ``of_``, as links write
    them), within the report's filters."""
    url = reverse("reports:report-students", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def table_rows(html: str, caption: str) -> str:
    start = html.index(f">{caption}</caption>")
    return html[start : html.index("</table>", start)]


def test_the_list_names_every_report(client, small):
    client.force_login(small.admin)
    html = client.get(reverse("reports:report-list")).content.decode()
    for report in REPORTS.values():
        assert report.path in html
        assert str(report.title) in html


def test_the_advisories_report_counts_sizes_levels_and_seats(client, small):
    client.force_login(small.admin)
    response = client.get(report_url())
    assert response.status_code == 200
    html = response.content.decode()
    capacity = table_rows(html, "Size against capacity")
    assert "Harbor" in capacity and "Summit" in capacity
    harbor = capacity[capacity.index("Harbor") :]
    assert ">3</a>" in harbor.split("</tr>")[0]  # three students, linked
    assert '<td class="text-end">12</td>' in harbor.split("</tr>")[0]  # 15 - 3 seats left
    levels = table_rows(html, "Year-level mix")
    harbor_levels = levels[levels.index("Harbor") :].split("</tr>")[0]
    assert "level=101" in harbor_levels
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html


def test_a_number_links_to_exactly_the_students_behind_it(client, small):
    client.force_login(small.admin)
    response = client.get(students_url(measure="members", of_advisory=small.harbor.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for student in small.harbor_students:
        assert student.get_absolute_url() in html
    for student in small.summit_students:
        assert student.get_absolute_url() not in html


def test_continuity_and_moves_count_a_student_who_changed_advisor(client, small):
    moving = small.harbor_students[0]
    today = small.school.today()
    Membership.objects.filter(student=moving).update(end_date=today - timedelta(days=10))
    factories.MembershipFactory(
        advisory=small.summit, student=moving, start_date=today - timedelta(days=10)
    )
    client.force_login(small.admin)
    moved = client.get(students_url(measure="moved", of_advisory=small.summit.pk)).content.decode()
    assert moving.get_absolute_url() in moved
    assert small.summit_students[0].get_absolute_url() not in moved
    kept = client.get(students_url(measure="kept", of_advisory=small.summit.pk)).content.decode()
    assert moving.get_absolute_url() not in kept
    assert small.summit_students[0].get_absolute_url() in kept


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"level": 7}, "Choose a year level: 101, 201, 301 or 401."),
        ({"level": "abc"}, "Choose a year level: 101, 201, 301 or 401."),
        ({"advisory": "other"}, "Choose one of the advisories you can see."),
        ({"term": "other"}, "This term belongs to another school year."),
        ({"year": "other"}, "Choose one of the school&#x27;s years."),
    ],
)
def test_filters_that_do_not_hold_are_named_next_to_their_field(client, small, query, message):
    other = factories.AdvisoryFactory()  # another school's
    last_year = factories.SchoolYearFactory(
        school=small.school,
        start_date=small.year.start_date - timedelta(days=365),
        end_date=small.year.start_date - timedelta(days=30),
        name="Last year",
    )
    old_term = factories.TermFactory(
        school_year=last_year,
        name="Old term",
        start_date=last_year.start_date,
        end_date=last_year.start_date + timedelta(days=60),
    )
    foreign_year = factories.SchoolYearFactory(school=other.school)
    values = {"advisory": other.pk, "term": old_term.pk, "year": foreign_year.pk}
    query = {
        key: values.get(value, value) if value == "other" else value for key, value in query.items()
    }
    query = {key: values[key] if value == "other" else value for key, value in query.items()}
    client.force_login(small.admin)
    for url in (report_url(**query), students_url(**query)):
        response = client.get(url)
        assert response.status_code == 200  # the page, with the message by the field
        html = response.content.decode()
        assert message in html
        assert "is-invalid" in html
        assert "Harbor</th>" not in html  # no numbers with filters that do not hold
    download = reverse("reports:report-students-export", args=["advisories", "csv"])
    assert (
        client.get(download + "?" + "&".join(f"{k}={v}" for k, v in query.items())).status_code
        == 400
    )


def test_a_term_of_the_chosen_year_and_a_level_narrow_the_report(client, small):
    client.force_login(small.admin)
    html = client.get(
        report_url(year=small.year.pk, term=small.term.pk, level=401)
    ).content.decode()
    capacity = table_rows(html, "Size against capacity")
    assert "Summit" in capacity and "Harbor" not in capacity
    listed = client.get(students_url(level=401)).content.decode()
    assert small.summit_students[0].get_absolute_url() in listed
    assert small.harbor_students[0].get_absolute_url() not in listed


@pytest.mark.parametrize("slug", ["nothing", "access-list", "ADVISORIES"])
def test_an_unknown_report_is_a_404(client, small, slug):
    client.force_login(small.admin)
    assert client.get(f"/reports/{slug}/").status_code == 404
    assert client.get(f"/reports/{slug}/students/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"measure": "nothing"},
        {"measure": "members"},
        {"measure": "members", "of_advisory": "x"},
        {"measure": "level", "of_advisory": "HARBOR", "of_level": 7},
        {"measure": "members", "of_advisory": "SUMMIT", "advisory": "HARBOR"},
    ],
)
def test_an_unknown_number_is_a_404(client, small, query):
    named = {"HARBOR": small.harbor.pk, "SUMMIT": small.summit.pk}
    query = {key: named.get(value, value) for key, value in query.items()}
    client.force_login(small.admin)
    assert client.get(students_url(**query)).status_code == 404


def test_an_advisor_gets_the_reports_about_their_own_advisory(client, small):
    client.force_login(small.harbor.advisor)
    html = client.get(report_url()).content.decode()
    capacity = table_rows(html, "Size against capacity")
    assert "Harbor" in capacity and "Summit" not in capacity
    listed = client.get(students_url()).content.decode()
    assert small.harbor_students[0].get_absolute_url() in listed
    assert small.summit_students[0].get_absolute_url() not in listed
    assert (
        client.get(students_url(measure="members", of_advisory=small.summit.pk)).status_code == 404
    )
    assert (
        "Choose one of the advisories you can see."
        in client.get(report_url(advisory=small.summit.pk)).content.decode()
    )
    download = client.get(reverse("reports:report-students-export", args=["advisories", "csv"]))
    names = {row[0] for row in csv.reader(io.StringIO(body(download)))}
    assert {student.display_name for student in small.harbor_students} <= names
    assert not {student.display_name for student in small.summit_students} & names


def test_another_schools_admin_sees_nothing_of_this_school(client, small):
    other_admin = factories.AdminFactory()
    factories.SchoolYearFactory(school=other_admin.school)
    client.force_login(other_admin)
    response = client.get(students_url(measure="members", of_advisory=small.harbor.pk))
    assert response.status_code == 404
    response = client.get(report_url(school=small.school.pk))
    assert response.status_code == 200  # their own school's report: another is no choice
    assert "Harbor" not in response.content.decode()
    assert other_admin.school.name in response.content.decode()


def test_a_network_admin_picks_the_school(client, small):
    operator = factories.UserFactory(school=None, is_superuser=True, is_staff=True)
    other = factories.MembershipFactory()
    factories.SchoolYearFactory(school=other.advisory.school)
    client.force_login(operator)
    html = client.get(report_url(school=small.school.pk)).content.decode()
    assert "Harbor" in html and other.advisory.name not in html
    html = client.get(report_url(school=other.advisory.school.pk)).content.decode()
    assert other.advisory.name in html and "Harbor</th>" not in html
    assert 'name="school"' in html


def test_the_students_csv_streams_every_student_with_the_reports_columns(client, small):
    client.force_login(small.admin)
    response = client.get(reverse("reports:report-students-export", args=["advisories", "csv"]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body(response))))
    assert rows[0] == [
        "Student",
        "Advisory",
        "Year level",
        "Kept their advisor",
        "Moved in this year",
    ]
    assert len(rows) == 1 + 5
    assert {row[1] for row in rows[1:]} == {"Harbor", "Summit"}


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text(client, small):
    student = small.harbor_students[0]
    student.user.last_name = '=HYPERLINK("http://evil.example","x")'
    student.user.save()
    client.force_login(small.admin)
    response = client.get(reverse("reports:report-students-export", args=["advisories", "csv"]))
    text = body(response)
    assert "'=HYPERLINK" not in text  # the name starts with the first name: not a formula
    student.preferred_name = "=1+1"
    student.save()
    text = body(client.get(reverse("reports:report-students-export", args=["advisories", "csv"])))
    assert "'=1+1" in text


def test_a_table_downloads_as_csv_and_as_a_spreadsheet(client, small):
    client.force_login(small.admin)
    url = reverse("reports:report-table", args=["advisories", "capacity", "csv"])
    rows = list(csv.reader(io.StringIO(body(client.get(url)))))
    assert rows[0] == ["Advisory", "Advisor", "Students", "Capacity", "Seats left"]
    assert [row[0] for row in rows[1:]] == ["Harbor", "Summit"]
    url = reverse("reports:report-table", args=["advisories", "capacity", "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Advisory", "Advisor", "Students", "Capacity", "Seats left"]
    assert values[1][0] == "Harbor" and values[1][2] == 3  # a number stays a number


@pytest.mark.parametrize(
    "args", [("advisories", "nothing", "csv"), ("advisories", "capacity", "pdf")]
)
def test_an_unknown_table_or_format_is_a_404(client, small, args):
    client.force_login(small.admin)
    assert client.get(reverse("reports:report-table", args=args)).status_code == 404
    url = reverse("reports:report-students-export", args=["advisories", "pdf"])
    assert client.get(url).status_code == 404


def test_downloads_and_lists_are_in_the_record_of_access(client, small):
    client.force_login(small.admin)
    body(client.get(reverse("reports:report-students-export", args=["advisories", "csv"])))
    exported = AccessRecord.objects.filter(action="export", area="report")
    assert exported.count() == 5
    assert set(exported.values_list("person_id", flat=True)) == {small.admin.pk}
    client.get(students_url(measure="members", of_advisory=small.summit.pk))
    viewed = AccessRecord.objects.filter(action="view", area="report")
    assert sorted(viewed.values_list("student_id", flat=True)) == sorted(
        student.pk for student in small.summit_students
    )


def test_pages_cost_the_same_queries_whatever_the_number_of_students(
    client, small, django_assert_max_num_queries
):
    client.force_login(small.admin)
    urls = [
        report_url(),
        students_url(),
        students_url(measure="members", of_advisory=small.harbor.pk),
    ]
    counts = []
    for url in urls:
        client.get(url)  # the session and the school's cached year are read once
        with django_assert_max_num_queries(30) as captured:
            client.get(url)
        counts.append(len(captured))
    for _ in range(12):
        factories.MembershipFactory(
            advisory=small.harbor,
            start_date=small.year.start_date,
            student__graduating_class=small.harbor.graduating_class,
        )
    factories.AdvisoryFactory(school=small.school, name="Cedar")
    for url, before in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(before) as captured:
            client.get(url)


def test_charts_escape_what_people_typed():
    svg = charts.bar_chart(
        chart_id="x", title="<b>t</b>", desc="d & e", bars=[charts.Bar("<script>", 3)]
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;t&lt;/b&gt;" in svg and "d &amp; e" in svg
    heat = charts.heat_chart(
        chart_id="h",
        title="t",
        desc="d",
        rows=["<i>a</i>"],
        columns=["<c>"],
        values=[[None]],
        low=1,
        high=5,
    )
    assert "<i>" not in heat and "<c>" not in heat
    stacked = charts.stacked_chart(
        chart_id="s", title="t", desc="d", keys=["<k>"], stacks=[charts.Stack("<s>", [1])]
    )
    assert "<k>" not in stacked and "<s>" not in stacked
    multiples = charts.multiples_chart(
        chart_id="m", title="t", desc="d", panels=[charts.Panel("<p>", [("<x>", 2.0)])]
    )
    assert "<p>" not in multiples and "<x>" not in multiples


def test_a_school_without_a_year_says_so(client, db):
    admin = factories.AdminFactory()
    client.force_login(admin)
    response = client.get(report_url())
    assert response.status_code == 200
    assert "The school has no school year yet" in response.content.decode()


def test_a_chart_of_many_rows_draws_the_first_and_says_the_table_has_them_all():
    bars = [charts.Bar(f"Advisory {n}", n) for n in range(charts.MAX_ROWS + 5)]
    svg = charts.bar_chart(chart_id="b", title="t", desc="Sizes.", bars=bars)
    assert f"Advisory {charts.MAX_ROWS - 1}<" in svg and f"Advisory {charts.MAX_ROWS}<" not in svg
    assert f"the first {charts.MAX_ROWS} of {charts.MAX_ROWS + 5} rows" in svg
