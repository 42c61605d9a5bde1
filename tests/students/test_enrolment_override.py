"""Enrolment places a student the way a move does: a full advisory takes them with an
override and a reason, an advisory of another graduating class once the admin confirms."""

import html
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from advisories.models import Membership
from bigpicture.models import User
from students import services
from students.models import Student
from tests import factories
from tests.students.test_views import ENROL, assert_error_by_field, assert_kept, field_html

CLASS_WARNING = (
    "This student is in the class of 2027 and Class of 2030 is an advisory for the class of "
    "2030. Tick “Place anyway” if the student belongs there all the same."
)
OVER_CAPACITY = 'placed over capacity</span> <span class="small text-body-secondary">'


@pytest.fixture
def class_of_2030(world):
    """An advisory of another graduating class than the students enrolled or moved here."""
    return factories.AdvisoryFactory(
        school=world.school, name="Class of 2030", graduating_class=2030
    )


def _enrol(client, **changes):
    data = {**ENROL, "graduating_class": "2027", "start_date": "2026-11-02", **changes}
    return client.post(reverse("students:student-create"), data)


def _enrolled():
    return Student.objects.filter(user__email="marisol.vega@example.org").first()


def _fill(advisory) -> None:
    advisory.capacity = 1
    advisory.save()
    factories.MembershipFactory(advisory=advisory)


class TestEnrolForm:
    def test_the_form_offers_the_moves_override_and_the_confirmation(self, client_as, world):
        response = client_as("admin").get(reverse("students:student-create"))
        assert response.status_code == 200
        assert 'type="checkbox"' in field_html(response, "override_capacity")
        assert "Reason for the override" in field_html(response, "reason")
        assert "Place anyway" in field_html(response, "place_anyway")
        # The choice says whose, which class and how full, so a wrong one is seen before sending.
        advisor = html.escape(str(world.advisory.advisor))
        assert f"Harbor ({advisor}, class of 2040, 1 of 15)" in field_html(response, "advisory")

    def test_the_form_costs_the_same_with_more_advisories(
        self, client_as, world, django_assert_max_num_queries
    ):
        client = client_as("admin")
        client.get(reverse("students:student-create"))
        factories.AdvisoryFactory.create_batch(5, school=world.school)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("students:student-create")).status_code == 200


class TestEnrolIntoAFullAdvisory:
    def test_without_an_override_the_field_says_so_and_nobody_is_enrolled(
        self, client_as, class_of_2030
    ):
        _fill(class_of_2030)
        response = _enrol(client_as("admin"), advisory=class_of_2030.pk, place_anyway="on")
        assert "Class of 2030 is full (1 of 1 students)" in field_html(response, "advisory")
        assert "is-invalid" in field_html(response, "advisory")
        assert "checked" in field_html(response, "place_anyway")
        assert not User.objects.filter(email="marisol.vega@example.org").exists()

    def test_an_override_without_a_reason_is_shown_by_the_reason(self, client_as, class_of_2030):
        _fill(class_of_2030)
        response = _enrol(
            client_as("admin"),
            advisory=class_of_2030.pk,
            override_capacity="on",
            reason="  ",
            place_anyway="on",
        )
        assert_error_by_field(response, "reason", "Say why the student is placed over capacity.")
        assert "checked" in field_html(response, "override_capacity")
        assert_kept(response, "first_name", "Marisol")
        assert_kept(response, "graduating_class", "2027")
        assert not User.objects.filter(email="marisol.vega@example.org").exists()

    def test_an_override_with_a_reason_enrols_and_is_recorded(self, client_as, world):
        _fill(world.advisory)
        client = client_as("admin")
        response = _enrol(
            client,
            graduating_class="2040",
            advisory=world.advisory.pk,
            override_capacity="on",
            reason="Sibling of a Harbor student",
        )
        assert response.status_code == 302
        membership = _enrolled().memberships.get()
        assert membership.advisory == world.advisory
        assert (membership.over_capacity_override, membership.override_reason) == (
            True,
            "Sibling of a Harbor student",
        )
        assert membership.created_by == world.admin
        page = client.get(response.url).content.decode()
        assert f"{OVER_CAPACITY}Sibling of a Harbor student" in page


class TestEnrolIntoAnotherClass:
    def test_the_warning_is_shown_by_the_confirmation_and_nothing_is_written(
        self, client_as, class_of_2030
    ):
        response = _enrol(client_as("admin"), advisory=class_of_2030.pk)
        assert_error_by_field(response, "place_anyway", CLASS_WARNING)
        assert_kept(response, "last_name", "Vega")
        assert_kept(response, "start_date", "2026-11-02")
        assert f'value="{class_of_2030.pk}" selected' in field_html(response, "advisory")
        assert not User.objects.filter(email="marisol.vega@example.org").exists()

    def test_confirmed_the_student_is_enrolled_without_an_override(self, client_as, class_of_2030):
        response = _enrol(client_as("admin"), advisory=class_of_2030.pk, place_anyway="on")
        assert response.status_code == 302
        student = _enrolled()
        assert student.graduating_class == 2027
        membership = student.memberships.get()
        assert (membership.advisory, membership.start_date) == (class_of_2030, date(2026, 11, 2))
        assert membership.over_capacity_override is False

    def test_full_and_of_another_class_both_are_said_at_once(self, client_as, class_of_2030):
        _fill(class_of_2030)
        client = client_as("admin")
        response = _enrol(client, advisory=class_of_2030.pk)
        assert "Class of 2030 is full" in field_html(response, "advisory")
        assert_error_by_field(response, "place_anyway", CLASS_WARNING)
        response = _enrol(
            client,
            advisory=class_of_2030.pk,
            override_capacity="on",
            reason="Joins her twin",
            place_anyway="on",
        )
        assert response.status_code == 302
        assert _enrolled().memberships.get().override_reason == "Joins her twin"

    def test_the_same_class_needs_no_confirmation(self, client_as, class_of_2030):
        response = _enrol(client_as("admin"), graduating_class="2030", advisory=class_of_2030.pk)
        assert response.status_code == 302
        assert _enrolled().memberships.get().advisory == class_of_2030

    def test_without_an_advisory_the_class_is_not_questioned(self, client_as):
        response = _enrol(client_as("admin"), start_date="")
        assert response.status_code == 302
        assert not _enrolled().memberships.exists()


class TestMoveIntoAnotherClass:
    def _move(self, client, world, advisory, **changes):
        data = {"advisory": advisory.pk, "start_date": "2026-11-02", **changes}
        return client.post(reverse("students:student-move", args=[world.student.pk]), data)

    @pytest.fixture(autouse=True)
    def _student_of_2027(self, world):
        world.student.graduating_class = 2027
        world.student.save()

    def test_the_warning_is_shown_by_the_confirmation_and_the_student_stays(
        self, client_as, world, class_of_2030
    ):
        response = self._move(client_as("admin"), world, class_of_2030)
        assert_error_by_field(response, "place_anyway", CLASS_WARNING)
        assert_kept(response, "start_date", "2026-11-02")
        assert Membership.objects.current().get(student=world.student).advisory == world.advisory

    def test_confirmed_the_student_moves(self, client_as, world, class_of_2030):
        response = self._move(client_as("admin"), world, class_of_2030, place_anyway="on")
        assert response.status_code == 302
        assert Membership.objects.current().get(student=world.student).advisory == class_of_2030


class TestServices:
    def test_enrolment_into_another_class_is_refused_unconfirmed_and_leaves_nothing(
        self, world, class_of_2030
    ):
        with pytest.raises(ValidationError) as error:
            services.student_create(
                school=world.school,
                by=world.admin,
                email="marisol.vega@example.org",
                first_name="Marisol",
                last_name="Vega",
                graduating_class=2027,
                advisory=class_of_2030,
            )
        assert error.value.message_dict == {"place_anyway": [CLASS_WARNING]}
        assert not User.objects.filter(email="marisol.vega@example.org").exists()

    def test_enrolment_passes_the_override_and_its_reason_on(self, world):
        _fill(world.advisory)
        student = services.student_create(
            school=world.school,
            by=world.admin,
            email="marisol.vega@example.org",
            first_name="Marisol",
            last_name="Vega",
            graduating_class=2040,
            advisory=world.advisory,
            override_capacity=True,
            reason=" Sibling ",
        )
        membership = student.memberships.get()
        assert (membership.over_capacity_override, membership.override_reason) == (True, "Sibling")

    def test_a_move_into_another_class_is_made_once_confirmed(self, world, class_of_2030):
        with pytest.raises(ValidationError, match="Place anyway"):
            services.student_move(
                student=world.student,
                advisory=class_of_2030,
                start_date=world.school.today(),
                by=world.admin,
            )
        assert Membership.objects.filter(student=world.student).count() == 1
        membership = services.student_move(
            student=world.student,
            advisory=class_of_2030,
            start_date=world.school.today(),
            by=world.admin,
            place_anyway=True,
        )
        assert membership.advisory == class_of_2030
        assert Membership.objects.filter(student=world.student).count() == 2
