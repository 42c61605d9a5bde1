"""People, roles and moves at their edges: an admin's reach, moves, the advisor role, settings."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from advisories.services import student_place
from bigpicture.models import Notification
from bigpicture.services import person_update
from tests import factories

Status = Notification.Status


def test_a_school_admin_cannot_edit_a_deployment_operator_of_their_school(client_as, world):
    operator = factories.UserFactory(school=world.school, is_superuser=True, is_staff=True)
    url = reverse("bigpicture:person-update", args=[operator.pk])
    assert client_as("admin").get(url).status_code == 404


def test_a_move_cannot_start_in_the_future(world):
    with pytest.raises(ValidationError) as error:
        student_place(
            student=world.unplaced,
            advisory=world.other_advisory,
            start_date=world.school.today() + timedelta(days=30),
            by=world.admin,
        )
    assert "start_date" in error.value.message_dict


def test_an_advisor_who_leads_an_advisory_keeps_the_role_until_it_is_handed_over(world):
    with pytest.raises(ValidationError) as error:
        person_update(person=world.advisor, by=world.admin, roles={"mentor"})
    assert "roles" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        person_update(person=world.advisor, by=world.admin, is_active=False)
    assert "is_active" in error.value.message_dict


def test_families_do_not_see_the_staff_reason_for_an_override(client_as, world):
    membership = world.student.memberships.get()
    membership.over_capacity_override = True
    membership.override_reason = "Confidential family situation"
    membership.save()
    url = reverse("students:student-detail", args=[world.student.pk])
    assert "Confidential family situation" not in client_as("guardian").get(url).content.decode()
    assert "Confidential family situation" not in client_as("student").get(url).content.decode()
    assert "Confidential family situation" in client_as("admin").get(url).content.decode()


def test_half_quiet_hours_are_flagged_on_the_empty_field(client_as, world):
    response = client_as("guardian").post(
        reverse("bigpicture:notification-preferences"),
        {"kind_school": "now", "kind_progress": "off", "quiet_hours_end": "07:00"},
    )
    assert "quiet_hours_start" in response.context["form"].errors
