"""Editing is never overwriting: the mentor's evaluation of a semester opens filled when it is
written, and a page opened before another save (another tab) is refused, the answers kept,
until the mentor saves again knowing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from internships.models import Evaluation
from internships.services import visits
from tests.internships.matrix_pipeline import placement
from tests.internships.test_pipeline_services import RATINGS


def write_url(running, semester: int = 1) -> str:
    return reverse("internships:evaluation-write", args=[running.pk]) + f"?semester={semester}"


class TestTwoTabs:
    def test_a_blank_page_posted_after_one_was_written_is_refused_and_kept(self, client_as, world):
        running = placement(world)
        client = client_as("mentor")
        seen = client.get(write_url(running)).context["form"]["seen"].value()
        assert seen == visits.NO_EVALUATION
        visits.evaluation_write(
            placement=running, by=world.mentor, semester=1, ratings=RATINGS, strengths="Tab one"
        )
        response = client.post(
            write_url(running), {**RATINGS, "strengths": "Tab two", "seen": seen}
        )
        assert response.status_code == 200
        assert "after you opened this page" in response.content.decode()
        assert response.context["form"]["strengths"].value() == "Tab two"
        assert Evaluation.objects.get().strengths == "Tab one"
        fresh = response.context["form"]["seen"].value()
        assert fresh == visits.evaluation_version(Evaluation.objects.get())
        again = client.post(write_url(running), {**RATINGS, "strengths": "Tab two", "seen": fresh})
        assert again.status_code == 302
        assert Evaluation.objects.get().strengths == "Tab two"

    def test_a_written_one_opens_filled_with_its_version(self, client_as, world):
        running = placement(world)
        written = visits.evaluation_write(
            placement=running, by=world.mentor, semester=1, ratings=RATINGS, strengths="Kept"
        )
        form = client_as("mentor").get(write_url(running)).context["form"]
        assert form["strengths"].value() == "Kept"
        assert form["seen"].value() == visits.evaluation_version(written)


class TestService:
    def test_a_stale_version_changes_nothing(self, world):
        running = placement(world)
        written = visits.evaluation_write(
            placement=running, by=world.mentor, semester=1, ratings=RATINGS, strengths="First"
        )
        stale = (written.updated_at - timedelta(minutes=5)).isoformat()
        with pytest.raises(ValidationError):
            visits.evaluation_write(
                placement=running,
                by=world.mentor,
                semester=1,
                ratings=RATINGS,
                strengths="Second",
                seen=stale,
            )
        assert Evaluation.objects.get().strengths == "First"

    def test_the_current_version_saves(self, world):
        running = placement(world)
        written = visits.evaluation_write(
            placement=running, by=world.mentor, semester=1, ratings=RATINGS, strengths="First"
        )
        Evaluation.objects.filter(pk=written.pk).update(updated_at=timezone.now())
        current = visits.evaluation_version(Evaluation.objects.get())
        visits.evaluation_write(
            placement=running,
            by=world.mentor,
            semester=1,
            ratings=RATINGS,
            strengths="Second",
            seen=current,
        )
        assert Evaluation.objects.get().strengths == "Second"
