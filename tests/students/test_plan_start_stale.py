"""Starting a learning plan from a page opened before: a term another tab started meanwhile
is refused by name with a link to the plan already there, and a term no longer offered says
so, never Django's bare "Select a valid choice"."""

from datetime import timedelta

from django.urls import reverse

from students.models import LearningPlan
from students.services import plans as services
from tests import factories
from tests.students.test_views import assert_error_by_field


def start_url(world) -> str:
    return reverse("students:plan-start", args=[world.student.pk])


def test_a_term_started_in_another_tab_links_to_its_plan(client_as, world):
    client = client_as("student")
    page = client.get(start_url(world))
    assert f'value="{world.term.pk}"' in page.content.decode()  # offered when opened
    there = services.plan_start(student=world.student, term=world.term, by=world.student.user)
    response = client.post(start_url(world), {"term": world.term.pk, "carry_over": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert_error_by_field(response, "term", "You already have a plan for this term.")
    assert "Select a valid choice" not in html
    assert "was already started" in html
    assert f'href="{there.get_absolute_url()}"' in html
    assert LearningPlan.objects.filter(student=world.student).count() == 1


def test_the_page_opened_now_offers_only_terms_without_a_plan(client_as, world):
    later = factories.TermFactory(
        school_year=world.year,
        name="Next term",
        start_date=world.term.end_date + timedelta(days=1),
        end_date=world.term.end_date + timedelta(days=60),
    )
    services.plan_start(student=world.student, term=world.term, by=world.student.user)
    html = client_as("student").get(start_url(world)).content.decode()
    assert f'value="{later.pk}"' in html
    assert f'value="{world.term.pk}"' not in html


def test_a_term_no_longer_offered_says_so(client_as, world):
    ended = factories.TermFactory(
        school_year=world.year,
        name="Ended term",
        start_date=world.term.start_date - timedelta(days=90),
        end_date=world.term.start_date - timedelta(days=10),
    )
    client = client_as("student")
    for gone in (ended.pk, 999_999):
        response = client.post(start_url(world), {"term": gone})
        assert response.status_code == 200
        assert_error_by_field(
            response,
            "term",
            "This term is no longer open for a new plan: it has ended or was removed. "
            "Choose one of the terms offered now.",
        )
    assert not LearningPlan.objects.exists()
