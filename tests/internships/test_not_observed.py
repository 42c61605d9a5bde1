"""The mentor's evaluation rubric accepts "not observed" for any line: stored as no level
(the line left out of the ratings), left out of averages, shown as "Not observed"; an
evaluation must still give at least one level."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Avg, FloatField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.urls import reverse

from internships.forms.pipeline import NOT_OBSERVED
from internships.models import RUBRIC_KEYS, Evaluation
from internships.services import visits
from tests.internships.matrix_pipeline import placement
from tests.internships.test_pipeline_services import RATINGS


def write_url(running, semester: int = 1) -> str:
    return reverse("internships:evaluation-write", args=[running.pk]) + f"?semester={semester}"


def write(world, running, semester=1, **ratings):
    return visits.evaluation_write(
        placement=running, by=world.mentor, semester=semester, ratings={**RATINGS, **ratings}
    )


class TestService:
    def test_a_line_not_observed_is_stored_as_no_level(self, world):
        evaluation = write(world, placement(world), quality=None, social=None)
        evaluation.refresh_from_db()
        assert set(evaluation.ratings) == set(RUBRIC_KEYS) - {"quality", "social"}
        assert evaluation.ratings["initiative"] == 3

    def test_nothing_observed_at_all_is_refused(self, world):
        with pytest.raises(ValidationError) as refused:
            write(world, placement(world), **dict.fromkeys(RUBRIC_KEYS))
        assert "at least one line" in refused.value.message_dict["ratings"][0]
        assert not Evaluation.objects.exists()

    def test_a_level_out_of_the_rubric_is_still_refused(self, world):
        with pytest.raises(ValidationError) as refused:
            write(world, placement(world), quality=7)
        assert refused.value.message_dict["quality"] == [
            "Choose a level from 1 to 4, or Not observed."
        ]

    def test_averages_leave_not_observed_out(self, world):
        running = placement(world)
        write(world, running, 1, empirical=2)
        write(world, running, 2, empirical=None)
        write(
            world,
            placement(world, world.other_student, mentor=world.mentor_profile),
            1,
            empirical=4,
        )
        level = Cast(KeyTextTransform("empirical", "ratings"), FloatField())
        assert Evaluation.objects.aggregate(mean=Avg(level))["mean"] == 3.0
        given = Evaluation.objects.annotate(level=level).filter(level__isnull=False)
        assert given.count() == 2


class TestPages:
    def test_the_form_offers_not_observed_on_every_line(self, client_as, world):
        response = client_as("mentor").get(write_url(placement(world)))
        page = response.content.decode()
        assert page.count(f'value="{NOT_OBSERVED}"') == len(RUBRIC_KEYS)
        assert response.context["form"]["quality"].value() is None  # a new one: unanswered
        assert "Not observed" in page

    def test_posted_saved_and_opened_again_as_chosen(self, client_as, world):
        running = placement(world)
        client = client_as("mentor")
        data = {**RATINGS, "quality": NOT_OBSERVED, "empirical": NOT_OBSERVED}
        assert client.post(write_url(running), data).status_code == 302
        ratings = Evaluation.objects.get().ratings
        assert "quality" not in ratings and "empirical" not in ratings
        assert ratings["initiative"] == 3
        form = client.get(write_url(running)).context["form"]
        assert form["quality"].value() == NOT_OBSERVED
        assert form["initiative"].value() == 3
        checked = re.search(r'<input[^>]*name="quality"[^>]*value="not_observed"[^>]*>', str(form))
        assert checked is not None and "checked" in checked.group(0)

    def test_all_not_observed_is_refused_on_the_page_and_kept(self, client_as, world):
        running = placement(world)
        data = dict.fromkeys(RUBRIC_KEYS, NOT_OBSERVED)
        response = client_as("mentor").post(write_url(running), {**data, "strengths": "Kind"})
        assert response.status_code == 200
        assert "at least one line" in response.content.decode()
        assert response.context["form"]["strengths"].value() == "Kind"
        assert not Evaluation.objects.exists()

    def test_a_missing_line_asks_for_a_level_or_not_observed(self, client_as, world):
        data = {key: level for key, level in RATINGS.items() if key != "social"}
        response = client_as("mentor").post(write_url(placement(world)), data)
        errors = response.context["form"].errors["social"]
        assert errors == ["Choose a level from 1 to 4, or Not observed."]

    @pytest.mark.parametrize("role", ["mentor", "advisor", "student", "guardian"])
    def test_shown_as_not_observed_on_the_internship(self, client_as, world, role):
        running = placement(world)
        write(world, running, quality=None, social=None, initiative=4)
        page = client_as(role).get(running.get_absolute_url()).content.decode()
        assert page.count("Not observed") == 2
        assert "4 Exemplary" in page
        assert "3 Proficient" in page
