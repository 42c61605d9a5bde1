"""The expectations' profile, advisory and school views: who sees what, the numbers, the
suppression of small groups, and a fixed number of queries whatever the size."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expectations.models import Expectation, Rating, Reflection
from tests import factories
from tests.factories import expectation

STUDENT, FAMILY, ADVISOR = "student", "family", "advisor"


def reflect(student, term, scores, *, advisory=None, year_level=None, **options):
    """A reflection on a student's term: ``scores`` one score for all ten expectations or a
    dict by key (the others get 4); ``comments`` by key, ``shared`` a set of keys."""
    perspective = options.get("perspective", STUDENT)
    reflection = Reflection.objects.create(
        student=student,
        term=term,
        author=options.get("author") or student.user,
        perspective=perspective,
        advisory=advisory,
        year_level=year_level,
    )
    comments, shared = options.get("comments", {}), options.get("shared", set())
    Rating.objects.bulk_create(
        Rating(
            reflection=reflection,
            expectation=item,
            score=scores if isinstance(scores, int) else scores.get(item.key, 4),
            comment=comments.get(item.key, ""),
            shared=item.key in shared,
        )
        for item in Expectation.objects.all()
    )
    return reflection


def past_terms(world, count):
    """``count`` terms before the world's current one, oldest first."""
    today = world.school.today()
    return [
        factories.TermFactory(
            school_year=world.year,
            name=f"Past {number}",
            start_date=today - timedelta(days=40 + 60 * (count - number)),
            end_date=today - timedelta(days=40 + 60 * (count - number) - 50),
        )
        for number in range(count)
    ]


def students_of(advisory, count):
    return [factories.MembershipFactory(advisory=advisory).student for _ in range(count)]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- the student's profile -----------------------------------------------------------------


def profile_url(student):
    return reverse("expectations:profile", args=[student.pk])


@pytest.mark.parametrize("role", ["student", "advisor", "guardian", "admin"])
def test_the_learning_team_opens_the_profile(client_as, world, role):
    reflect(world.student, world.term, 3)
    assert client_as(role).get(profile_url(world.student)).status_code == 200


def test_mentors_get_403_and_others_404(client_as, world):
    assert client_as("mentor").get(profile_url(world.student)).status_code == 403
    for role in ["student", "guardian", "advisor", "admin2"]:
        assert client_as(role).get(profile_url(world.other_student)).status_code == 404


def test_profile_draws_an_accessible_chart_and_a_table_of_the_same_numbers(client_as, world):
    first, second = past_terms(world, 2)
    reflect(world.student, first, {"play": 2})
    reflect(world.student, second, {"play": 4})
    other_guardian = factories.GuardianLinkFactory(student=world.student).guardian
    reflect(world.student, second, {"play": 3}, perspective=FAMILY, author=world.guardian)
    reflect(world.student, second, {"play": 4}, perspective=FAMILY, author=other_guardian)
    reflect(world.student, second, {"play": 5}, perspective=ADVISOR, author=world.advisor)
    html = client_as("guardian").get(profile_url(world.student)).content.decode()
    svg = re.search(
        r'<svg[^>]*aria-labelledby="chart-play-title chart-play-desc".*?</svg>', html, re.S
    )
    assert svg and 'role="img"' in svg.group(0)
    assert '<title id="chart-play-title">Play: the student' in svg.group(0)
    assert "Rose from 2 in Past 0 Long year to 4 in Past 1 Long year." in svg.group(0)
    assert svg.group(0).count("<circle") == 2
    row = re.search(
        r"<th scope=\"row\">Past 1 Long year</th>(.*?)</tr>", html.split("chart-play")[-1]
    )
    assert re.findall(r"<td>(.*?)</td>", row.group(1)) == ["4", "3.5", "5"]
    assert html.count('role="img"') == 10  # one chart per expectation rated


def test_profile_lists_the_work_tagged_per_expectation(client_as, world):
    item = factories.PlanItemFactory(plan__student=world.student, plan__term=world.term)
    factories.WorkTagFactory(item=item, expectation=expectation("choice"))
    html = client_as("advisor").get(profile_url(world.student)).content.decode()
    assert f'href="/students/plans/{item.plan_id}/#item-{item.pk}"' in html
    assert 'id="expectation-choice"' in html
    # the advisor may tag the term's work from here
    assert reverse("expectations:tags", args=["item", item.pk]) in html


def test_the_family_sees_the_profile_but_no_tagging(client_as, world):
    factories.PlanItemFactory(plan__student=world.student, plan__term=world.term)
    reflect(world.student, world.term, 3)
    html = client_as("guardian").get(profile_url(world.student)).content.decode()
    assert "/expectations/tags/" not in html


def test_profile_costs_the_same_queries_at_two_and_eight_terms(client_as, world):
    client = client_as("student")
    for term in past_terms(world, 2):
        reflect(world.student, term, 3)
        reflect(world.student, term, 4, perspective=FAMILY, author=world.guardian)
    item = factories.PlanItemFactory(plan__student=world.student, plan__term=world.term)
    factories.WorkTagFactory(item=item)
    few = queries(client, profile_url(world.student))
    for term in past_terms_more(world):
        reflect(world.student, term, 2)
        reflect(world.student, term, 5, perspective=ADVISOR, author=world.advisor)
    factories.WorkTagFactory(item=item, expectation=expectation("play"))
    assert Reflection.objects.filter(perspective=STUDENT).count() == 8
    many = queries(client, profile_url(world.student))
    assert few == many
    assert many <= 14


def past_terms_more(world):
    """Six more terms, a year later than ``past_terms`` leaves free."""
    today = world.school.today()
    return [
        factories.TermFactory(
            school_year=world.year,
            name=f"Older {number}",
            start_date=today - timedelta(days=400 + 60 * number),
            end_date=today - timedelta(days=400 + 60 * number - 50),
        )
        for number in range(6)
    ]


# --- the advisory's view -------------------------------------------------------------------


def advisory_url(advisory, **query):
    url = reverse("expectations:advisory", args=[advisory.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def advisory_with(world, count):
    """``count`` students of the world's advisory reflecting this term; the first writes a
    private comment on Play, the second a shared one."""
    students = [world.student, *students_of(world.advisory, count - 1)]
    for number, student in enumerate(students):
        comments = {"play": f"Private words of student {number}"} if number == 0 else {}
        if number == 1:
            comments = {"play": "Shared words without a name"}
        reflect(
            student,
            world.term,
            {"play": 2, "choice": 5},
            advisory=world.advisory,
            comments=comments,
            shared={"play"} if number == 1 else set(),
        )
    return students


def test_the_advisor_sees_every_comment_with_the_students_name(client_as, world):
    students = advisory_with(world, 3)
    html = client_as("advisor").get(advisory_url(world.advisory)).content.decode()
    assert "Private words of student 0" in html and "Shared words without a name" in html
    assert students[0].display_name in html and students[1].display_name in html
    assert "shared with the school without the name" in html


def test_an_admin_sees_only_shared_comments_without_names(client_as, world):
    students = advisory_with(world, 6)
    html = client_as("admin").get(advisory_url(world.advisory)).content.decode()
    assert "Shared words without a name" in html
    assert "Private words" not in html
    for student in students:
        assert student.display_name not in html


def test_an_admin_sees_no_comment_from_fewer_than_five_students(client_as, world):
    advisory_with(world, 4)
    html = client_as("admin").get(advisory_url(world.advisory)).content.decode()
    assert "Shared words without a name" not in html
    assert "hidden to protect students" in html
    assert "fewer than 5" in html  # the numbers too


def test_the_advisory_view_names_the_weakest_and_the_change(client_as, world):
    (before,) = past_terms(world, 1)
    for student in [world.student, *students_of(world.advisory, 4)]:
        reflect(student, before, {"play": 1, "choice": 4}, advisory=world.advisory)
        reflect(student, world.term, {"play": 2, "choice": 5}, advisory=world.advisory)
    html = client_as("advisor").get(advisory_url(world.advisory)).content.decode()
    assert "Weakest:</strong> Play, average 2.0" in html
    assert "Play ▼ weakest" in html  # in the chart, in words
    play = re.search(r'<tr class="table-warning"><th scope="row">Play.*?</tr>', html, re.S).group(0)
    assert "(weakest)" in play and "<td>+1.0</td>" in play and "<td>5</td>" in play
    chosen = client_as("advisor").get(advisory_url(world.advisory, term=before.pk))
    assert "Weakest:</strong> Play, average 1.0" in chosen.content.decode()


def test_another_advisory_is_404_for_the_advisor(client_as, world):
    assert client_as("advisor").get(advisory_url(world.other_advisory)).status_code == 404
    assert client_as("student").get(advisory_url(world.advisory)).status_code == 403


# --- the school's view ---------------------------------------------------------------------


def school_url(world, **query):
    url = reverse("expectations:school", args=[world.school.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def school(world):
    """Harbor: six students at 101 (one shares a comment on Play); Summit: three at 201 (one
    shares too)."""
    harbor = [world.student, *students_of(world.advisory, 5)]
    summit = [world.other_student, *students_of(world.other_advisory, 2)]
    for number, student in enumerate(harbor):
        reflect(
            student,
            world.term,
            {"play": 2, "time": 3 if number else 5},
            advisory=world.advisory,
            year_level=101,
            comments={"play": "Zebra crossing of a comment", "time": "Apple of a comment"}
            if number == 0
            else {},
            shared={"play", "time"} if number == 0 else set(),
        )
    for number, student in enumerate(summit):
        reflect(
            student,
            world.term,
            1,
            advisory=world.other_advisory,
            year_level=201,
            comments={"play": "Summit says something"} if number == 0 else {},
            shared={"play"},
        )
    return harbor + summit


def test_the_school_view_suppresses_small_groups_and_names_nobody(client_as, world, school):
    html = client_as("admin").get(school_url(world)).content.decode()
    assert "Zebra crossing of a comment" in html
    assert "Summit says something" not in html  # three students: too few
    for student in school:
        assert student.display_name not in html
    table = re.search(r"Average per advisory and expectation</caption>.*?</table>", html, re.S)
    summit = re.search(r'<th scope="row" class="text-break">Summit</th>(.*?)</tr>', table.group(0))
    assert set(re.findall(r"<td>(.*?)</td>", summit.group(1))) == {"fewer than 5"}
    harbor = re.search(r'<th scope="row" class="text-break">Harbor</th>(.*?)</tr>', table.group(0))
    assert re.findall(r"<td>(.*?)</td>", harbor.group(1))[:1] == ["6"]
    assert 'aria-labelledby="school-heat-title school-heat-desc"' in html
    assert "Summit, Relationships: fewer than 5 respondents" in html
    assert "Harbor, Play: average 2.0 from 6" in html


def test_shared_comments_come_by_expectation_without_date_or_advisory(client_as, world, school):
    html = client_as("admin").get(school_url(world)).content.decode()
    comments = html.split('id="comments-heading"')[1]
    assert comments.index("Play") < comments.index("Zebra") < comments.index("Time")
    assert comments.index("Time") < comments.index("Apple")
    assert "Harbor" not in comments and "Summit" not in comments
    assert not re.search(r"\d{4}|\d{1,2}:\d{2}", comments.split("</section>")[0])


def test_the_school_view_filters_by_year_level_and_advisory(client_as, world, school):
    client = client_as("admin")
    small = client.get(school_url(world, year_level=201)).content.decode()
    assert "Harbor" not in small.split("By advisory")[1]
    assert "Zebra" not in small and "Summit says something" not in small
    assert "Weakest:" not in small  # three students: every number suppressed
    harbor = client.get(school_url(world, advisory=world.advisory.pk)).content.decode()
    assert "Zebra crossing of a comment" in harbor
    assert "Summit" not in harbor.split("By advisory")[1].split("By year level")[0]
    assert "Weakest:</strong> Play, average 2.0" in harbor
    ignored = client.get(school_url(world, year_level="999", advisory="x"))
    assert ignored.status_code == 200 and "Weakest:" in ignored.content.decode()


def test_the_school_view_costs_the_same_queries_at_two_sizes(client_as, world):
    client = client_as("admin")
    (before,) = past_terms(world, 1)

    def fill(advisories, size):
        for advisory in advisories:
            for number, student in enumerate(students_of(advisory, size)):
                for term in (before, world.term):
                    reflect(
                        student,
                        term,
                        {"play": number % 5 + 1},
                        advisory=advisory,
                        year_level=101 + 100 * (number % 4),
                        comments={"play": f"Said {number}"},
                        shared={"play"},
                    )

    fill([world.advisory, world.other_advisory], 5)
    small = queries(client, school_url(world))
    fill([factories.AdvisoryFactory(school=world.school) for _ in range(3)], 8)
    large = queries(client, school_url(world))
    assert small == large
    assert large <= 15


def test_network_admin_opens_any_school(client, world):
    boss = factories.UserFactory(is_superuser=True, school=None)
    client.force_login(boss)
    assert client.get(school_url(world)).status_code == 200


def test_the_advisory_view_costs_the_same_queries_at_two_sizes(client_as, world):
    client = client_as("advisor")
    advisory_with(world, 3)
    small = queries(client, advisory_url(world.advisory))
    for number, student in enumerate(students_of(world.advisory, 9)):
        reflect(student, world.term, 3, advisory=world.advisory, comments={"time": f"T{number}"})
    large = queries(client, advisory_url(world.advisory))
    assert small == large
    assert large <= 12


def test_charts_keep_a_dot_in_their_coordinates_in_spanish(client_as, world, school):
    world.admin.language = "es"
    world.admin.save()
    html = client_as("admin").get(school_url(world)).content.decode()
    heat = re.search(r"<svg[^>]*school-heat-title.*?</svg>", html, re.S).group(0)
    assert not re.search(r'(x|y|width|height)="\d+,\d', heat)
    assert ">2,0</text>" in heat  # the averages a reader sees, in their language
