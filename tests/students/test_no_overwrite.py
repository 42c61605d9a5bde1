"""Editing is never overwriting: writing a term's narrative when it has one opens that one to
edit; a form opened before someone else saved (another tab, another person) is refused with
its text kept, never saved over the newer one without the writer seeing it."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bigpicture.selectors import current_term, term_cache_key
from students.models import Narrative
from students.services import assessment as services
from tests import factories
from tests.students.test_assessment_views import narrative, past_term
from tests.students.test_views import assert_error_by_field, field_html

Kind = Narrative.Kind
CREATE = "students:narrative-create"


def create_url(world, query: str = "") -> str:
    return reverse(CREATE, args=[world.student.pk]) + query


class TestWriteOpensTheOneThere:
    @pytest.mark.parametrize(
        ("role", "kind"), [("advisor", Kind.ADVISOR), ("student", Kind.STUDENT)]
    )
    def test_a_published_or_draft_one_opens_to_edit_with_its_text(
        self, client_as, world, role, kind
    ):
        there = narrative(world, kind, published=kind == Kind.ADVISOR, social="Listens well")
        client = client_as(role)
        response = client.get(create_url(world, f"?kind={kind}"), follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "students:narrative-update", args=[there.pk]
        )
        assert "already started: here it is to edit" in response.content.decode()
        assert "Listens well" in field_html(response, "social")

    def test_between_terms_the_latest_begun_term_is_the_one_opened(self, client_as, world):
        # The school's "current" term is the next one, not begun: the form would otherwise
        # open blank on the latest term, the one that has the narrative.
        world.term.start_date = world.school.today() - timedelta(days=60)
        world.term.end_date = world.school.today() - timedelta(days=5)
        world.term.save()
        factories.TermFactory(
            school_year=world.year,
            name="Next",
            start_date=world.school.today() + timedelta(days=5),
            end_date=world.school.today() + timedelta(days=60),
        )
        cache.delete(term_cache_key(world.school.pk))
        assert current_term(world.school).name == "Next"
        there = narrative(world, Kind.ADVISOR, published=True)
        response = client_as("advisor").get(create_url(world, "?kind=advisor"))
        assert response.url == reverse("students:narrative-update", args=[there.pk])

    def test_the_form_offers_only_terms_without_it(self, client_as, world):
        earlier = past_term(world, 1)
        narrative(world, Kind.ADVISOR, term=earlier)
        page = client_as("advisor").get(create_url(world, "?kind=advisor"))
        choices = field_html(page, "term")
        assert f'value="{world.term.pk}"' in choices
        assert f'value="{earlier.pk}"' not in choices

    def test_the_list_links_each_narrative_to_edit_for_its_writer(self, client_as, world):
        there = narrative(world, Kind.ADVISOR)
        edit = reverse("students:narrative-update", args=[there.pk])
        url = reverse("students:narrative-list", args=[world.student.pk])
        assert edit in client_as("advisor").get(url).content.decode()
        assert edit not in client_as("student").get(url).content.decode()


class TestTwoTabs:
    def test_a_create_posted_after_one_was_started_is_refused_and_kept(self, client_as, world):
        client = client_as("advisor")
        page = client.get(create_url(world, "?kind=advisor"))
        assert page.status_code == 200  # the blank form, opened in a first tab
        there = narrative(world, Kind.ADVISOR, published=True, social="Published text")
        response = client.post(
            create_url(world, "?kind=advisor"), {"term": world.term.pk, "social": "Tab two"}
        )
        assert_error_by_field(response, "term", "This narrative is already written for this term.")
        assert "Tab two" in field_html(response, "social")
        assert reverse("students:narrative-update", args=[there.pk]) in response.content.decode()
        there.refresh_from_db()
        assert there.sections == {"social": "Published text"}

    def test_an_edit_opened_before_another_save_is_refused_then_saved_on_purpose(
        self, client_as, world
    ):
        there = narrative(world, Kind.ADVISOR, social="First")
        url = reverse("students:narrative-update", args=[there.pk])
        client = client_as("advisor")
        seen = client.get(url).context["form"]["seen"].value()
        Narrative.objects.filter(pk=there.pk).update(
            sections={"social": "Saved in tab two"}, updated_at=timezone.now() + timedelta(1)
        )
        response = client.post(url, {"seen": seen, "social": "Tab one"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "after you opened it" in page
        assert "Saved in tab two" in page  # the saved version, shown beside the form
        assert "Tab one" in field_html(response, "social")
        there.refresh_from_db()
        assert there.sections == {"social": "Saved in tab two"}
        fresh = response.context["form"]["seen"].value()
        assert fresh == services.narrative_version(there)
        client.post(url, {"seen": fresh, "social": "Tab one"})
        there.refresh_from_db()
        assert there.sections == {"social": "Tab one"}


class TestServices:
    def test_create_refuses_over_an_existing_one(self, world):
        narrative(world, Kind.ADVISOR, social="Kept")
        with pytest.raises(ValidationError) as refused:
            services.narrative_create(
                student=world.student,
                term=world.term,
                kind=Kind.ADVISOR,
                by=world.advisor,
                sections={"social": "Blank over it"},
            )
        assert "already written" in str(refused.value)
        assert Narrative.objects.get().sections == {"social": "Kept"}

    def test_update_with_a_stale_version_changes_nothing(self, world):
        there = narrative(world, Kind.ADVISOR, social="First")
        stale = services.narrative_version(there)
        services.narrative_update(narrative=there, by=world.advisor, sections={"social": "Second"})
        old = Narrative.objects.get(pk=there.pk)
        old.updated_at = timezone.now() - timedelta(days=1)  # what the first tab holds
        with pytest.raises(ValidationError):
            services.narrative_update(
                narrative=old, by=world.advisor, sections={"social": "Third"}, seen=stale
            )
        assert Narrative.objects.get().sections == {"social": "Second"}

    def test_update_with_the_current_version_saves(self, world):
        there = narrative(world, Kind.ADVISOR, social="First")
        services.narrative_update(
            narrative=there,
            by=world.advisor,
            sections={"social": "Second"},
            seen=services.narrative_version(there),
        )
        assert Narrative.objects.get().sections == {"social": "Second"}
