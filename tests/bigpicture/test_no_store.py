"""Pages for a signed-in person are never kept by the browser or a shared cache: a family
computer or a library browser must not show a student's records to the next person."""

import pytest
from django.test import Client
from django.urls import reverse


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_every_signed_in_page_says_private_no_store(client_as, world, role):
    response = client_as(role).get(reverse("bigpicture:home"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_a_students_record_is_not_stored(client_as, world):
    response = client_as("advisor").get(world.student.get_absolute_url())
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_an_error_page_for_a_signed_in_person_is_not_stored_either(client_as, world):
    response = client_as("guardian").get(reverse("bigpicture:person-list"))
    assert response.status_code == 403
    assert {"private", "no-store"} <= _directives(response)


def test_signing_in_answers_not_stored(world):
    world.admin.set_password("a long password 1")
    world.admin.save()
    response = Client().post(
        reverse("login"), {"username": world.admin.email, "password": "a long password 1"}
    )
    assert response.status_code == 302
    assert "no-store" in _directives(response)


def test_a_public_page_for_nobody_signed_in_is_left_alone(db):
    response = Client().get(reverse("password_reset"))
    assert response.status_code == 200
    assert "no-store" not in _directives(response)


def test_static_files_are_left_alone(client_as, world):
    static = client_as("advisor").get("/favicon.ico")
    assert static.status_code == 200
    assert "no-store" not in _directives(static)
