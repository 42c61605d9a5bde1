"""The school's wording of the expectations and the reflections' due date: admins only,
Big Picture's words where a field is left empty, Spanish for Spanish readers, switching one
off, and the due date's bounds."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from expectations.models import ReflectionWindow, SchoolExpectation
from expectations.selectors.catalog import school_catalog, term_due, wordings
from expectations.services.catalog import expectation_reword, reflection_due_set
from tests import factories
from tests.factories import expectation

LIST = reverse("expectations:expectation-list")


def update_url(key="relevance"):
    return reverse("expectations:expectation-update", args=[expectation(key).pk])


def due_url(term):
    return reverse("expectations:term-due", args=[term.pk])


class TestRewording:
    def test_an_admin_rewords_and_empty_fields_keep_big_pictures_words(self, world):
        expectation_reword(
            school=world.school,
            expectation=expectation("relevance"),
            by=world.admin,
            is_active=True,
            name=" Why it matters ",
            name_es="Por qué importa",
        )
        relevance = next(w for w in wordings(world.school.pk) if w.key == "relevance")
        assert relevance.name == "Why it matters"
        assert relevance.question == expectation("relevance").question
        spanish = next(w for w in wordings(world.school.pk, language="es") if w.key == "relevance")
        assert spanish.name == "Por qué importa"
        other = next(w for w in wordings(world.school2.pk) if w.key == "relevance")
        assert other.name == "Relevance"

    def test_switched_off_it_leaves_the_active_list(self, world):
        expectation_reword(
            school=world.school, expectation=expectation("play"), by=world.admin, is_active=False
        )
        assert "play" not in [w.key for w in wordings(world.school.pk)]
        assert len(wordings(world.school.pk, active_only=False)) == 10
        rows = {row.english.key: row for row in school_catalog(world.school.pk)}
        assert not rows["play"].is_active and rows["relevance"].is_active

    @pytest.mark.parametrize("who", ["advisor", "admin2", "guardian"])
    def test_only_the_schools_admins(self, world, who):
        with pytest.raises(PermissionDenied):
            expectation_reword(
                school=world.school,
                expectation=expectation("play"),
                by=getattr(world, who),
                is_active=False,
            )
        assert not SchoolExpectation.objects.exists()


class TestCatalogPages:
    def test_the_list_shows_the_ten_in_english_and_spanish_with_edit_links(self, client_as, world):
        SchoolExpectation.objects.create(
            school=world.school, expectation=expectation("play"), is_active=False
        )
        response = client_as("admin").get(LIST)
        assert response.status_code == 200
        html = response.content.decode()
        for key in ["relationships", "relevance", "timing"]:
            assert expectation(key).name in html
            assert expectation(key).name_es in html
            assert f'href="{update_url(key)}"' in html
        assert html.count("Off: not asked") == 1
        assert f'href="{due_url(world.term)}"' in html
        assert f"Due on {date_format(world.term.end_date)} (the term" in html

    def test_a_network_admin_without_a_school_gets_a_404(self, client, world):
        client.force_login(factories.UserFactory(school=None, is_superuser=True))
        assert client.get(LIST).status_code == 404
        assert client.get(update_url()).status_code == 404

    def test_the_edit_page_shows_big_pictures_words_as_placeholders(self, client_as, world):
        html = client_as("admin").get(update_url()).content.decode()
        assert f'placeholder="{expectation("relevance").name_es}"' in html
        assert "Empty: Big Picture" in html

    def test_saving_makes_the_schools_row_and_the_family_reads_it_in_spanish(
        self, client_as, client, world
    ):
        data = {
            "is_active": "on",
            "name_es": "Sentido",
            "family_question_es": "¿Ve mi familia sentido en lo que aprende?",
        }
        response = client_as("admin").post(update_url(), data)
        assert response.status_code == 302 and response.url == LIST
        own = SchoolExpectation.objects.get(school=world.school)
        assert (own.name_es, own.name, own.is_active) == ("Sentido", "", True)
        world.guardian.language = "es"
        world.guardian.save()
        client.force_login(world.guardian)
        reflection = reverse("expectations:reflection", args=[world.student.pk])
        html = client.get(reflection).content.decode()
        assert "¿Ve mi familia sentido en lo que aprende?" in html
        with translation.override("es"):
            assert wordings(world.school.pk)[1].name == "Sentido"

    def test_switched_off_it_leaves_the_students_form(self, client_as, client, world):
        client_as("admin").post(update_url("play"), {})  # the checkbox unticked: off
        assert not SchoolExpectation.objects.get().is_active
        client.force_login(world.student.user)
        html = client.get(reverse("expectations:reflection", args=[world.student.pk])).content
        assert html.decode().count("<fieldset") == 9

    def test_nobody_else_edits(self, client_as, world):
        assert client_as("advisor").post(update_url(), {"is_active": "on"}).status_code == 403
        assert client_as("student").get(LIST).status_code == 403
        assert not SchoolExpectation.objects.exists()


class TestDueDate:
    def test_an_admin_sets_a_due_date_within_the_term_and_year(self, world):
        day = world.term.end_date + timedelta(days=5)
        reflection_due_set(term=world.term, by=world.admin, due_on=day)
        assert term_due(world.term) == day
        reflection_due_set(term=world.term, by=world.admin, due_on=world.term.start_date)
        assert ReflectionWindow.objects.get().due_on == world.term.start_date

    def test_before_the_term_starts_or_after_the_year_ends_is_refused(self, world):
        with pytest.raises(ValidationError) as early:
            reflection_due_set(
                term=world.term, by=world.admin, due_on=world.term.start_date - timedelta(days=1)
            )
        assert "due_on" in early.value.message_dict
        with pytest.raises(ValidationError) as late:
            reflection_due_set(term=world.term, by=world.admin, due_on=date(2040, 7, 1))
        assert "due_on" in late.value.message_dict
        assert not ReflectionWindow.objects.exists()

    def test_another_schools_admin_may_not(self, world):
        with pytest.raises(PermissionDenied):
            reflection_due_set(term=world.term, by=world.admin2, due_on=world.term.end_date)

    def test_through_the_page(self, client_as, world):
        client = client_as("admin")
        page = client.get(due_url(world.term)).content.decode()
        assert f'value="{world.term.end_date.isoformat()}"' in page
        late = client.post(due_url(world.term), {"due_on": "2041-01-01"})
        assert late.status_code == 200
        assert "school year&#x27;s last day, June 30, 2040" in late.content.decode()
        day = world.term.end_date - timedelta(days=3)
        response = client.post(due_url(world.term), {"due_on": day.isoformat()})
        assert response.status_code == 302 and response.url == LIST
        listed = client.get(LIST).content.decode()
        assert f"Due on {date_format(day)}" in listed
        assert f"Due on {date_format(day)} (the term" not in listed

    def test_another_schools_term_is_a_404(self, client_as, world):
        term2 = factories.TermFactory(school_year__school=world.school2)
        response = client_as("admin").post(due_url(term2), {"due_on": "2026-09-01"})
        assert response.status_code == 404
        assert not ReflectionWindow.objects.exists()
