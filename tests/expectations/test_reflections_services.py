"""Term reflections, written through the service and read through the selectors: partial
saves, one row per person edited in place, the lock after the due date, bad input, the
share-without-my-name choice and the three perspectives."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expectations.models import Rating, Reflection, ReflectionWindow, SchoolExpectation
from expectations.selectors.reflections import (
    missing_reflections,
    perspective_of,
    reflection_state,
)
from expectations.services.reflections import Answer, reflection_save
from tests import factories
from tests.factories import expectation

Perspective = Reflection.Perspective


def pk(key: str) -> int:
    return expectation(key).pk


def save(world, by, answers, student=None, term=None):
    return reflection_save(
        student=student or world.student, term=term or world.term, by=by, answers=answers
    )


def lock(world, days_ago=1):
    ReflectionWindow.objects.create(
        term=world.term, due_on=world.school.today() - timedelta(days_ago)
    )


class TestSave:
    def test_a_partial_save_keeps_only_what_was_answered(self, world):
        world.student.graduating_class = 2041
        world.student.save()
        reflection = save(
            world,
            world.student.user,
            {pk("relevance"): Answer(4, "Good projects"), pk("play"): Answer(None)},
        )
        assert reflection.perspective == Perspective.STUDENT
        assert reflection.advisory == world.advisory
        assert reflection.year_level == 301
        ratings = list(reflection.ratings.values_list("expectation__key", "score", "comment"))
        assert ratings == [("relevance", 4, "Good projects")]

    def test_a_second_save_edits_the_same_row(self, world):
        first = save(world, world.student.user, {pk("relevance"): Answer(2), pk("play"): Answer(3)})
        second = save(
            world,
            world.student.user,
            {pk("relevance"): Answer(5, "Better"), pk("play"): Answer(None)},
        )
        assert second.pk == first.pk
        assert Reflection.objects.count() == 1
        assert list(second.ratings.values_list("expectation__key", "score", "comment")) == [
            ("relevance", 5, "Better")
        ]

    def test_nothing_changes_after_the_due_date(self, world):
        save(world, world.student.user, {pk("relevance"): Answer(2)})
        lock(world)
        with pytest.raises(ValidationError, match="can no longer change"):
            save(world, world.student.user, {pk("relevance"): Answer(5)})
        assert Rating.objects.get().score == 2

    def test_the_due_day_itself_is_still_open(self, world):
        lock(world, days_ago=0)
        save(world, world.student.user, {pk("relevance"): Answer(5)})
        assert Rating.objects.get().score == 5

    @pytest.mark.parametrize("score", [0, 6, -1])
    def test_a_score_out_of_1_to_5_is_refused_and_nothing_is_written(self, world, score):
        with pytest.raises(ValidationError) as caught:
            save(world, world.student.user, {pk("relevance"): Answer(4), pk("play"): Answer(score)})
        assert f"score_{pk('play')}" in caught.value.message_dict
        assert not Reflection.objects.exists()
        assert not Rating.objects.exists()

    def test_a_comment_without_a_rating_is_an_error_on_that_question(self, world):
        with pytest.raises(ValidationError) as caught:
            save(world, world.student.user, {pk("choice"): Answer(None, "Too few choices")})
        assert list(caught.value.message_dict) == [f"score_{pk('choice')}"]
        assert not Reflection.objects.exists()

    def test_an_expectation_switched_off_is_not_asked_and_its_past_rating_is_kept(self, world):
        save(world, world.student.user, {pk("play"): Answer(3)})
        SchoolExpectation.objects.create(
            school=world.school, expectation=expectation("play"), is_active=False
        )
        with pytest.raises(ValidationError):
            save(world, world.student.user, {pk("play"): Answer(5)})
        save(world, world.student.user, {pk("relevance"): Answer(4)})
        scores = dict(Rating.objects.values_list("expectation__key", "score"))
        assert scores == {"play": 3, "relevance": 4}


class TestSharing:
    def test_a_student_may_share_a_comment_without_their_name(self, world):
        save(
            world,
            world.student.user,
            {
                pk("relevance"): Answer(2, "Classes feel far from my interests", shared=True),
                pk("play"): Answer(4, "", shared=True),  # nothing to share
                pk("time"): Answer(3, "Kept to me"),
            },
        )
        shared = dict(Rating.objects.values_list("expectation__key", "shared"))
        assert shared == {"relevance": True, "play": False, "time": False}

    def test_only_students_share(self, world):
        save(world, world.guardian, {pk("relevance"): Answer(2, "We worry", shared=True)})
        save(world, world.advisor, {pk("relevance"): Answer(3, "Growing", shared=True)})
        assert not Rating.objects.filter(shared=True).exists()


class TestPerspectives:
    def test_a_guardian_writes_the_familys_view_and_the_advisor_theirs(self, world):
        family = save(world, world.guardian, {pk("relevance"): Answer(3)})
        advisor = save(world, world.advisor, {pk("relevance"): Answer(4)})
        own = save(world, world.student.user, {pk("relevance"): Answer(5)})
        assert (family.perspective, advisor.perspective, own.perspective) == (
            Perspective.FAMILY,
            Perspective.ADVISOR,
            Perspective.STUDENT,
        )
        assert Reflection.objects.count() == 3

    def test_a_guardian_who_also_advises_the_student_writes_as_family(self, world):
        world.advisor.is_guardian = True
        world.advisor.save()
        factories.GuardianLinkFactory(student=world.student, guardian=world.advisor)
        assert perspective_of(world.student, world.advisor) == Perspective.FAMILY

    @pytest.mark.parametrize("who", ["admin", "other_advisor", "mentor", "admin2"])
    def test_nobody_else_writes(self, world, who):
        with pytest.raises(PermissionDenied):
            save(world, getattr(world, who), {pk("relevance"): Answer(3)})
        assert not Reflection.objects.exists()

    def test_not_on_another_schools_term(self, world):
        term2 = factories.TermFactory(school_year__school=world.school2)
        with pytest.raises(PermissionDenied):
            save(world, world.student.user, {pk("relevance"): Answer(3)}, term=term2)


class TestSelectors:
    def test_the_state_asks_each_perspective_its_own_question(self, world):
        family = reflection_state(world.student, world.term, world.guardian)
        relevance = next(q for q in family.questions if q.wording.key == "relevance")
        assert relevance.legend == expectation("relevance").family_question
        advisor = reflection_state(world.student, world.term, world.advisor)
        relevance = next(q for q in advisor.questions if q.wording.key == "relevance")
        assert "How do you see this expectation met for" in relevance.legend
        assert world.student.display_name in relevance.legend

    def test_the_state_knows_the_answers_the_due_date_and_the_lock(self, world):
        save(world, world.student.user, {pk("relevance"): Answer(4, "Yes")})
        state = reflection_state(world.student, world.term, world.student.user)
        assert state.ratings[pk("relevance")].comment == "Yes"
        assert state.due == world.term.end_date
        assert state.can_write
        assert [row.status for row in state.terms] == ["started"]
        lock(world)
        state = reflection_state(world.student, world.term, world.student.user)
        assert state.locked and not state.can_write
        assert [row.status for row in state.terms] == ["done"]

    def test_a_reader_sees_every_perspective_without_the_students_comments(self, world):
        save(world, world.student.user, {pk("relevance"): Answer(2, "Private words")})
        save(world, world.guardian, {pk("relevance"): Answer(3, "Family words")})
        state = reflection_state(world.student, world.term, world.admin)
        assert state.perspective is None and not state.can_write
        assert [r.perspective for r in state.readings] == ["student", "family"]
        assert state.readings[0].comments_hidden and not state.readings[1].comments_hidden

    def test_missing_reflections_in_one_query(self, world):
        save(world, world.student.user, {pk("relevance"): Answer(4)})
        save(world, world.guardian, {pk("relevance"): Answer(4)}, student=world.student)
        # a reflection row with no rating is not a reflection yet
        Reflection.objects.create(
            student=world.other_student, term=world.term, author=world.other_student.user
        )
        ids = [world.student.pk, world.other_student.pk, world.unplaced.pk]
        with CaptureQueriesContext(connection) as queries:
            missing = missing_reflections(ids, world.term)
        assert len(queries) == 1
        assert missing == {world.other_student.pk, world.unplaced.pk}
