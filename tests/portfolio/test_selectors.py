"""The portfolio's reads: every section's content, and a fixed number of queries whatever the
years of history."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bigpicture.pages.portfolio import selectors
from bigpicture.pages.portfolio.services import portfolio_html
from students.models import Student
from tests.portfolio.conftest import history


def _student(world):
    return Student.objects.select_related("user", "school").get(pk=world.student.pk)


def _queries(world, viewer) -> int:
    student = _student(world)
    with CaptureQueriesContext(connection) as captured:
        selectors.portfolio(viewer, student)
    return len(captured)


def test_the_same_queries_for_one_year_and_four(world, django_assert_max_num_queries):
    history(world, 1)
    one = {role: _queries(world, world.person(role)) for role in ("admin", "advisor", "guardian")}
    history(world, 3, before=1)  # four years in all
    student = _student(world)
    found = selectors.portfolio(world.advisor, student)
    assert sum(len(year.terms) for year in found.years) == 16
    assert len(found.internships) == 4
    for role, count in one.items():
        assert _queries(world, world.person(role)) == count, role
    with django_assert_max_num_queries(14):
        selectors.portfolio(world.guardian, _student(world))


def test_every_section_is_there(world, one_year):
    student = _student(world)
    html = portfolio_html(student=student, viewer=world.advisor, paper="a4", language="en")
    # profile and school
    assert student.display_name in html and "Met Providence" in html
    assert "Marine biology, skateboard design" in html
    # each term's plan, its goals, what was met, and the evidence as an absolute link
    for number in range(1, 5):
        assert f"Build a hull {number}" in html and f"Read {number}" in html
    assert "1 of 2 goals and projects met" in html
    assert 'href="https://example.org/hull"' in html and "Hull drawings 1" in html
    assert "http://testserver/" not in html
    assert "http://127.0.0.1:8000/students/plans/" in html  # the plan online, from SITE_URL
    # the internship: site, mentor, confirmed hours
    mentor = world.mentor_profile
    assert mentor.site.organization in html and mentor.user.last_name in html
    assert "12 hours confirmed" in html and "12 hours confirmed by mentors" in html
    # exhibitions with the panel's levels by learning goal
    assert "Exhibition 4" in html and "Clear and confident." in html
    assert "<td>Empirical Reasoning</td><td>Proficient (3.5)</td><td>2</td>" in html
    assert "<td>Communication</td><td>Developing (2.0)</td><td>2</td>" in html
    # narratives, the 10 Expectations profile
    assert "Tested every hull 2." in html and "I spoke up 2." in html
    assert "The 10 Expectations" in html and "Relevance" in html


def test_levels_average_per_learning_goal():
    rows = selectors.by_learning_goal([{"empirical": 3, "social": 1}, {"empirical": 4}])
    empirical = next(row for row in rows if row["name"] == "Empirical Reasoning")
    assert (empirical["count"], empirical["average"], str(empirical["level"])) == (
        2,
        3.5,
        "Proficient",
    )
    quantitative = next(row for row in rows if row["name"] == "Quantitative Reasoning")
    assert quantitative["count"] == 0 and quantitative["level"] == ""


def test_the_paper_follows_the_school_unless_asked(world):
    school = world.school
    school.time_zone = "America/New_York"
    assert selectors.paper_for(None, school) == "letter"
    assert selectors.paper_for("A4", school) == "a4"
    school.time_zone = "Europe/Madrid"
    assert selectors.paper_for("", school) == "a4"
    assert selectors.paper_for("letter", school) == "letter"
    assert selectors.paper_for("legal", school) == "a4"
