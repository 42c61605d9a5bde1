"""Editing is never overwriting: a person's term reflection opens filled when it is there,
and a page opened before another save (another tab, another device) is refused with the
answers typed kept and the saved ones shown beside them, until the person saves again
knowing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expectations.models import Rating, Reflection
from expectations.services.reflections import (
    NO_REFLECTION,
    Answer,
    reflection_save,
    reflection_version,
)
from tests.factories import expectation


def url(world) -> str:
    return reverse("expectations:reflection", args=[world.student.pk])


def pk(key: str) -> int:
    return expectation(key).pk


def author(world, role: str):
    return world.student.user if role == "student" else world.guardian


def save(world, by, **scores) -> Reflection:
    """Save as another tab would: ``scores`` by expectation key, each with a comment."""
    answers = {pk(key): Answer(score, f"Saved {key}") for key, score in scores.items()}
    return reflection_save(student=world.student, term=world.term, by=by, answers=answers)


def scores_of(reflection: Reflection) -> dict[int, int]:
    return dict(Rating.objects.filter(reflection=reflection).values_list("expectation", "score"))


@pytest.mark.parametrize("role", ["student", "guardian"])
class TestTwoTabs:
    def test_a_written_one_opens_filled_with_its_version(self, client_as, world, role):
        written = save(world, author(world, role), relevance=4)
        response = client_as(role).get(url(world))
        form = response.context["form"]
        assert form[f"score_{pk('relevance')}"].value() == 4
        assert form[f"comment_{pk('relevance')}"].value() == "Saved relevance"
        assert form["seen"].value() == reflection_version(written)
        assert 'name="seen"' in response.content.decode()

    def test_a_blank_page_posted_after_one_was_saved_is_refused_and_kept(
        self, client_as, world, role
    ):
        client = client_as(role)
        seen = client.get(url(world)).context["form"]["seen"].value()
        assert seen == NO_REFLECTION
        saved = save(world, author(world, role), relevance=2)
        data = {f"score_{pk('relevance')}": "5", f"comment_{pk('relevance')}": "Typed in tab one"}
        response = client.post(url(world), {**data, "seen": seen})
        page = response.content.decode()
        assert response.status_code == 200
        assert "after you opened this page" in page
        assert "Saved: 2 of 5" in page  # the saved answer, beside the typed one
        assert "Saved relevance" in page
        form = response.context["form"]
        assert form[f"comment_{pk('relevance')}"].value() == "Typed in tab one"
        assert form[f"score_{pk('relevance')}"].value() == "5"
        assert scores_of(saved) == {pk("relevance"): 2}
        fresh = form["seen"].value()
        assert fresh == reflection_version(Reflection.objects.get())
        again = client.post(url(world), {**data, "seen": fresh})
        assert again.status_code == 302
        assert Reflection.objects.count() == 1
        assert scores_of(saved) == {pk("relevance"): 5}

    def test_an_edit_opened_before_another_save_is_refused_then_saved_on_purpose(
        self, client_as, world, role
    ):
        by = author(world, role)
        save(world, by, relevance=3, play=3)
        client = client_as(role)
        seen = client.get(url(world)).context["form"]["seen"].value()
        saved = save(world, by, relevance=1, choice=4)  # tab two: play unanswered now
        response = client.post(url(world), {f"score_{pk('play')}": "5", "seen": seen})
        page = response.content.decode()
        assert "Nothing is changed yet" in page
        assert "Saved: 1 of 5" in page and "Saved: 4 of 5" in page
        assert "Saved: not answered" in page  # play, taken out in tab two
        assert scores_of(saved) == {pk("relevance"): 1, pk("choice"): 4}
        fresh = response.context["form"]["seen"].value()
        client.post(url(world), {f"score_{pk('play')}": "5", "seen": fresh})
        assert scores_of(saved) == {pk("play"): 5}


class TestService:
    def test_a_stale_version_changes_nothing(self, world):
        first = save(world, world.student.user, relevance=3)
        stale = reflection_version(first)
        save(world, world.student.user, relevance=4)
        with pytest.raises(ValidationError) as refused:
            reflection_save(
                student=world.student,
                term=world.term,
                by=world.student.user,
                answers={pk("relevance"): Answer(1)},
                seen=stale,
            )
        assert refused.value.code == "changed"
        assert scores_of(first) == {pk("relevance"): 4}

    def test_a_blank_form_over_one_started_meanwhile_changes_nothing(self, world):
        there = save(world, world.guardian, relevance=3)
        with pytest.raises(ValidationError):
            reflection_save(
                student=world.student,
                term=world.term,
                by=world.guardian,
                answers={pk("relevance"): Answer(1)},
                seen=NO_REFLECTION,
            )
        assert scores_of(there) == {pk("relevance"): 3}

    def test_the_current_version_saves_and_a_new_one_starts_from_none(self, world):
        first = reflection_save(
            student=world.student,
            term=world.term,
            by=world.student.user,
            answers={pk("relevance"): Answer(2)},
            seen=NO_REFLECTION,
        )
        reflection_save(
            student=world.student,
            term=world.term,
            by=world.student.user,
            answers={pk("relevance"): Answer(5)},
            seen=reflection_version(first),
        )
        assert scores_of(first) == {pk("relevance"): 5}

    def test_each_person_has_their_own_so_another_ones_save_is_no_conflict(self, world):
        save(world, world.student.user, relevance=3)
        family = reflection_save(
            student=world.student,
            term=world.term,
            by=world.guardian,
            answers={pk("relevance"): Answer(1)},
            seen=NO_REFLECTION,
        )
        assert scores_of(family) == {pk("relevance"): 1}


def test_a_refused_save_costs_the_same_queries_whatever_was_saved(client_as, world):
    client = client_as("student")
    counts = []
    for keys in (["relevance"], ["relevance", "choice", "play", "time", "timing"]):
        Reflection.objects.all().delete()
        seen = client.get(url(world)).context["form"]["seen"].value()
        save(world, world.student.user, **dict.fromkeys(keys, 3))
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url(world), {f"score_{pk('play')}": "5", "seen": seen})
        assert "after you opened this page" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
