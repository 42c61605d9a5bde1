"""Who may be linked as a guardian, and what an admin is told of addresses beyond the school."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bigpicture import services as core_services
from bigpicture.models import EMAIL_UNAVAILABLE
from students.models import GuardianLink
from students.services import profile as services
from tests.students.test_views import ENROL, assert_error_by_field, assert_kept

STUDENT_AS_GUARDIAN = "This address belongs to a student: a guardian is a parent or carer."


def _link_url(student):
    return reverse("students:guardian-create", args=[student.pk])


class TestAStudentIsNotAGuardian:
    def test_the_service_refuses_a_students_account(self, world):
        with pytest.raises(ValidationError) as error:
            services.guardian_link(
                student=world.unplaced, by=world.admin, email=world.student.user.email
            )
        assert error.value.message_dict["email"] == [STUDENT_AS_GUARDIAN]
        assert not GuardianLink.objects.filter(student=world.unplaced).exists()
        world.student.user.refresh_from_db()
        assert not world.student.user.is_guardian

    def test_the_form_shows_it_by_the_email_with_the_typed_values(self, client_as, world):
        typed = {"email": world.other_student.user.email.upper(), "relationship": "grandparent"}
        response = client_as("admin").post(
            _link_url(world.student), {**typed, "language": "en", "last_name": "Typed"}
        )
        assert_error_by_field(response, "email", STUDENT_AS_GUARDIAN)
        assert_kept(response, "email", typed["email"])
        assert_kept(response, "last_name", "Typed")
        assert world.student.guardian_links.count() == 1


class TestNothingIsToldOfOtherSchools:
    def test_a_guardian_of_another_school_gets_the_neutral_message(self, world):
        with pytest.raises(ValidationError) as error:
            services.guardian_link(
                student=world.unplaced, by=world.admin, email=world.link2.guardian.email
            )
        assert error.value.message_dict["email"] == [str(EMAIL_UNAVAILABLE)]
        assert "school" not in str(EMAIL_UNAVAILABLE)

    def test_enrolling_with_an_address_of_another_school_says_nothing_specific(
        self, client_as, world
    ):
        data = {**ENROL, "email": world.admin2.email}
        response = client_as("admin").post(reverse("students:student-create"), data)
        assert_error_by_field(response, "email", str(EMAIL_UNAVAILABLE))
        assert "already exists" not in response.content.decode()

    def test_adding_a_person_with_an_address_of_another_school_says_nothing_specific(
        self, client_as, world
    ):
        data = {
            "email": world.admin2.email,
            "first_name": "Dolores",
            "last_name": "Huerta",
            "language": "es",
            "roles": ["advisor"],
        }
        response = client_as("admin").post(reverse("bigpicture:person-create"), data)
        assert_error_by_field(response, "email", str(EMAIL_UNAVAILABLE))
        assert_kept(response, "first_name", "Dolores")

    def test_the_people_service_says_nothing_specific_either(self, world):
        with pytest.raises(ValidationError) as error:
            core_services.person_create(
                school=world.school,
                by=world.admin,
                email=world.admin2.email,
                first_name="Dolores",
                last_name="Huerta",
                roles={"advisor"},
            )
        assert error.value.message_dict["email"] == [str(EMAIL_UNAVAILABLE)]

    def test_an_address_in_the_school_is_still_told_plainly(self, client_as, world):
        data = {**ENROL, "email": world.guardian.email}
        response = client_as("admin").post(reverse("students:student-create"), data)
        assert_error_by_field(response, "email", "A person with this email address already exists.")
