"""The term reflection page through the client: each role, reach, saving and coming back,
the lock after the due date, bad input, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from expectations.models import Rating, Reflection, ReflectionWindow
from tests import factories
from tests.factories import expectation


def url(world, student=None, term=None):
    student = student or world.student
    if term is None:
        return reverse("expectations:reflection", args=[student.pk])
    return reverse("expectations:reflection-term", args=[student.pk, term.pk])


def pk(key: str) -> int:
    return expectation(key).pk


def html_of(response) -> str:
    return response.content.decode()


class TestStudent:
    def test_the_form_asks_every_active_expectation_with_a_1_to_5_scale(self, client_as, world):
        response = client_as("student").get(url(world))
        assert response.status_code == 200
        html = html_of(response)
        assert html.count("<fieldset") == 10
        assert html.count("<legend") == 10
        assert expectation("relevance").question in html
        assert "Not at all" in html and "Completely" in html
        assert f'name="score_{pk("relevance")}"' in html
        assert "Share this comment with the school without my name" in html
        assert "Save and come back later" in html

    def test_save_and_come_back(self, client_as, world):
        client = client_as("student")
        data = {
            f"score_{pk('relevance')}": "4",
            f"comment_{pk('relevance')}": "My projects fit me",
            f"shared_{pk('relevance')}": "on",
        }
        response = client.post(url(world), data)
        assert response.status_code == 302
        assert response.url == url(world, term=world.term)
        rating = Rating.objects.get()
        assert (rating.score, rating.comment, rating.shared) == (4, "My projects fit me", True)
        html = html_of(client.get(response.url))
        assert "My projects fit me" in html
        assert f'value="4" class="btn-check" id="id_score_{pk("relevance")}_3" checked' in html
        # the second opening edits the same reflection
        client.post(url(world), {f"score_{pk('relevance')}": "5"})
        assert Reflection.objects.count() == 1
        assert Rating.objects.get().score == 5

    def test_a_tampered_score_is_a_field_error_and_nothing_is_written(self, client_as, world):
        response = client_as("student").post(
            url(world), {f"score_{pk('relevance')}": "9", f"score_{pk('play')}": "3"}
        )
        assert response.status_code == 200
        assert "Choose a rating from 1 to 5." in html_of(response)
        assert not Reflection.objects.exists()

    def test_a_comment_without_a_rating_is_an_error_next_to_its_question(self, client_as, world):
        response = client_as("student").post(
            url(world), {f"comment_{pk('choice')}": "I want to choose my projects"}
        )
        html = html_of(response)
        assert f'id="error-{pk("choice")}"' in html
        assert "Choose a rating for your comment, or remove the comment." in html
        assert "I want to choose my projects" in html  # what was typed is kept
        assert not Reflection.objects.exists()

    def test_after_the_due_date_the_page_is_read_only_and_a_post_writes_nothing(
        self, client_as, world
    ):
        factories.RatingFactory(
            reflection=factories.ReflectionFactory(student=world.student, term=world.term),
            comment="What I said then",
        )
        due = world.school.today() - timedelta(days=2)
        ReflectionWindow.objects.create(term=world.term, due_on=due)
        client = client_as("student")
        html = html_of(client.get(url(world)))
        assert "Locked since" in html
        assert "What I said then" in html
        assert 'name="score_' not in html
        response = client.post(url(world), {f"score_{pk('relevance')}": "1"}, follow=True)
        assert "can no longer change" in html_of(response)
        assert Rating.objects.get().score == 4

    def test_the_terms_of_the_year_with_their_state(self, client_as, world):
        past = factories.TermFactory(
            school_year=world.year,
            name="Last term",
            start_date=world.term.start_date - timedelta(days=90),
            end_date=world.term.start_date - timedelta(days=10),
        )
        html = html_of(client_as("student").get(url(world)))
        assert "Not done" in html  # the past term, never written
        assert f"Not started, due {date_format(world.term.end_date)}" in html
        assert f'href="{url(world, term=past)}"' in html
        past_page = client_as("student").get(url(world, term=past))
        assert past_page.status_code == 200
        assert "Locked since" in html_of(past_page)


class TestOthers:
    def test_a_family_answers_the_family_question_without_sharing(self, client_as, world):
        html = html_of(client_as("guardian").get(url(world)))
        assert expectation("relevance").family_question in html
        assert "without my name" not in html
        client_as("guardian").post(
            url(world), {f"score_{pk('relevance')}": "3", f"shared_{pk('relevance')}": "on"}
        )
        reflection = Reflection.objects.get()
        assert (reflection.author, reflection.perspective) == (world.guardian, "family")
        assert not Rating.objects.get().shared

    def test_a_family_answers_in_spanish(self, client_as, world):
        world.guardian.language = "es"
        world.guardian.save()
        html = html_of(client_as("guardian").get(url(world)))
        assert expectation("relevance").family_question_es in html
        assert expectation("relevance").family_question not in html

    def test_the_advisor_says_how_they_see_it_met_for_the_student(self, client_as, world):
        html = html_of(client_as("advisor").get(url(world)))
        assert "How do you see this expectation met for" in html
        assert world.student.display_name in html
        client_as("advisor").post(url(world), {f"score_{pk('time')}": "2"})
        assert Reflection.objects.get().perspective == "advisor"

    def test_an_admin_reads_every_perspective_and_may_not_write(self, client_as, world):
        factories.RatingFactory(
            reflection=factories.ReflectionFactory(student=world.student, term=world.term),
            comment="Only my advisor reads this",
        )
        family = factories.ReflectionFactory(
            student=world.student, term=world.term, author=world.guardian, perspective="family"
        )
        factories.RatingFactory(reflection=family, comment="We are proud")
        client = client_as("admin")
        html = html_of(client.get(url(world)))
        assert "We are proud" in html
        assert "Only my advisor reads this" not in html
        assert 'name="score_' not in html
        assert client.post(url(world), {f"score_{pk('time')}": "2"}).status_code == 403
        assert Rating.objects.count() == 2

    def test_out_of_reach(self, client, world):
        client.force_login(world.other_advisor)
        assert client.get(url(world)).status_code == 404
        assert client.post(url(world), {f"score_{pk('time')}": "2"}).status_code == 404
        client.force_login(world.mentor)
        assert client.get(url(world)).status_code == 403
        term2 = factories.TermFactory(school_year__school=world.school2)
        client.force_login(world.student.user)
        assert client.get(url(world, term=term2)).status_code == 404
        assert not Reflection.objects.exists()


KEYS = ["relationships", "relevance", "choice", "play", "time", "timing"]


def _grow(world, step):
    """Two more past terms, a guardian more, and a reflection from every perspective with
    more ratings each time: the page must not cost more for it."""
    for number in (2 * step, 2 * step + 1):
        start = world.term.start_date - timedelta(days=40 * (number + 1))
        factories.TermFactory(
            school_year=world.year, start_date=start, end_date=start + timedelta(days=30)
        )
    guardian = factories.GuardianLinkFactory(student=world.student).guardian
    Reflection.objects.filter(student=world.student).delete()
    authors = [(world.student.user, "student"), (world.guardian, "family"), (guardian, "family")]
    for author, perspective in [*authors, (world.advisor, "advisor")]:
        reflection = factories.ReflectionFactory(
            student=world.student, term=world.term, author=author, perspective=perspective
        )
        for key in KEYS[: 2 + 2 * step]:
            factories.RatingFactory(reflection=reflection, expectation=expectation(key))


@pytest.mark.parametrize("role", ["student", "guardian", "advisor", "admin"])
def test_the_page_costs_the_same_queries_whatever_the_size(client_as, world, role):
    client = client_as(role)
    counts = []
    for step in (0, 1):
        _grow(world, step)
        client.get(url(world))  # the current term is cached once a day
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts  # with the navigation's count of what waits


def test_a_school_without_a_term_says_so_and_writes_nothing(client, world):
    student = factories.StudentFactory()  # a school just opened: no year, no term
    client.force_login(student.user)
    cache.clear()
    response = client.get(url(world, student=student))
    assert response.status_code == 200
    assert "no term set up yet" in html_of(response)
    response = client.post(url(world, student=student), {f"score_{pk('relevance')}": "4"})
    assert response.status_code == 200
    assert not Reflection.objects.filter(student=student).exists()
