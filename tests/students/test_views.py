"""Student pages through the client: enrolment, moves, family links, the student's own
profile, and what the list and profile pages cost."""

import html
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisories.models import Membership
from bigpicture.models import User
from students.models import GuardianLink, Student
from tests import factories


def field_html(response, name: str) -> str:
    """The rendered block of one form field: its label, input and the error shown by it."""
    blocks = response.content.decode().split('<div id="div_id_')
    return next(block for block in blocks[1:] if block.startswith(f'{name}"'))


def assert_error_by_field(response, name: str, message: str) -> None:
    assert response.status_code == 200
    block = field_html(response, name)
    assert "is-invalid" in block
    assert f"<strong>{html.escape(message)}</strong>" in block


def assert_kept(response, name: str, value: str) -> None:
    assert f'value="{html.escape(value)}"' in field_html(response, name)


ENROL = {
    "email": "Marisol.Vega@example.org",
    "first_name": "Marisol",
    "last_name": "Vega",
    "graduating_class": "2030",
    "language": "es",
    "advisory": "",
    "start_date": "",
}


class TestEnrolment:
    def test_admin_enrols_a_student_without_an_advisory(self, client_as):
        response = client_as("admin").post(reverse("students:student-create"), ENROL)
        student = Student.objects.get(user__email="marisol.vega@example.org")
        assert response.status_code == 302
        assert response.url == student.get_absolute_url()
        assert student.graduating_class == 2030
        assert not student.memberships.exists()

    def test_admin_enrols_a_student_into_an_advisory(self, client_as, world):
        data = {
            **ENROL,
            "graduating_class": "2040",
            "advisory": world.advisory.pk,
            "start_date": "2026-11-02",
        }
        client = client_as("admin")
        response = client.post(reverse("students:student-create"), data)
        assert response.status_code == 302
        student = Student.objects.get(user__email="marisol.vega@example.org")
        membership = student.memberships.get()
        assert (membership.advisory, membership.start_date) == (world.advisory, date(2026, 11, 2))
        assert "Harbor" in client.get(response.url).content.decode()

    def test_a_taken_email_is_shown_by_the_field_with_the_typed_values(self, client_as, world):
        data = {**ENROL, "email": world.guardian.email.upper()}
        response = client_as("admin").post(reverse("students:student-create"), data)
        assert_error_by_field(response, "email", "A person with this email address already exists.")
        assert_kept(response, "email", world.guardian.email.upper())
        assert_kept(response, "first_name", "Marisol")
        assert_kept(response, "graduating_class", "2030")
        assert not Student.objects.filter(user__first_name="Marisol").exists()

    def test_a_full_advisory_is_shown_by_the_field_and_nobody_is_enrolled(self, client_as, world):
        world.advisory.capacity = 1
        world.advisory.save()
        data = {**ENROL, "advisory": world.advisory.pk, "start_date": "2026-11-02"}
        response = client_as("admin").post(reverse("students:student-create"), data)
        assert response.status_code == 200
        assert "Harbor is full (1 of 1 students)" in field_html(response, "advisory")
        assert_kept(response, "last_name", "Vega")
        assert_kept(response, "start_date", "2026-11-02")
        assert not User.objects.filter(email="marisol.vega@example.org").exists()


class TestMove:
    def _move(self, client, world, **changes):
        data = {
            "advisory": world.other_advisory.pk,
            "start_date": "2026-11-02",
            "override_capacity": "",
            "reason": "",
            **changes,
        }
        return client.post(reverse("students:student-move", args=[world.student.pk]), data)

    def test_admin_moves_a_student_and_the_history_shows_both(self, client_as, world):
        client = client_as("admin")
        response = self._move(client, world)
        assert response.status_code == 302
        assert response.url == world.student.get_absolute_url()
        history = list(world.student.memberships.order_by("start_date"))
        assert [(m.advisory, m.end_date) for m in history] == [
            (world.advisory, date(2026, 11, 2)),
            (world.other_advisory, None),
        ]
        page = client.get(response.url).content.decode()
        assert "Advisory Summit with" in page
        assert page.count("<tr><td>Harbor") == 1

    def test_a_full_advisory_is_shown_by_the_field_and_the_student_stays(self, client_as, world):
        world.other_advisory.capacity = 1
        world.other_advisory.save()
        response = self._move(client_as("admin"), world, reason="Family asked")
        assert response.status_code == 200
        assert "Summit is full (1 of 1 students)" in field_html(response, "advisory")
        assert_kept(response, "reason", "Family asked")
        assert Membership.objects.current().get(student=world.student).advisory == world.advisory

    def test_an_override_without_a_reason_is_shown_by_the_reason(self, client_as, world):
        world.other_advisory.capacity = 1
        world.other_advisory.save()
        response = self._move(client_as("admin"), world, override_capacity="on")
        assert_error_by_field(response, "reason", "Say why the student is placed over capacity.")
        assert "checked" in field_html(response, "override_capacity")
        assert Membership.objects.current().get(student=world.student).advisory == world.advisory

    def test_an_override_with_a_reason_places_the_student_and_is_recorded(self, client_as, world):
        world.other_advisory.capacity = 1
        world.other_advisory.save()
        client = client_as("admin")
        response = self._move(client, world, override_capacity="on", reason="Twin of a member")
        assert response.status_code == 302
        current = Membership.objects.current().get(student=world.student)
        assert current.advisory == world.other_advisory
        assert (current.over_capacity_override, current.override_reason) == (
            True,
            "Twin of a member",
        )
        assert current.created_by == world.admin
        page = client.get(response.url).content.decode()
        assert (
            'placed over capacity</span> <span class="small text-body-secondary">Twin of a member'
            in page
        )

    def test_a_move_dated_before_the_current_membership_is_shown_by_the_date(
        self, client_as, world
    ):
        response = self._move(client_as("admin"), world, start_date="2026-08-01")
        assert response.status_code == 200
        block = field_html(response, "start_date")
        assert "is-invalid" in block
        assert "The move cannot happen before the student joined their current advisory" in block
        assert_kept(response, "start_date", "2026-08-01")

    def test_advisories_of_other_schools_are_not_offered(self, client_as, world):
        response = self._move(client_as("admin"), world, advisory=world.advisory2.pk)
        assert response.status_code == 200
        assert "is-invalid" in field_html(response, "advisory")
        assert Membership.objects.current().get(student=world.student).advisory == world.advisory


class TestGuardianLinks:
    def _link(self, client, student, **changes):
        data = {
            "email": "Carmen.Ortiz@example.org",
            "first_name": "Carmen",
            "last_name": "Ortiz",
            "language": "es",
            "relationship": "grandparent",
            "is_primary_contact": "",
            "lives_with_student": "on",
            "receives_reminders": "on",
            **changes,
        }
        return client.post(reverse("students:guardian-create", args=[student.pk]), data)

    def test_admin_links_a_new_guardian(self, client_as, world):
        client = client_as("admin")
        response = self._link(client, world.student)
        assert response.status_code == 302
        assert response.url == world.student.get_absolute_url()
        link = GuardianLink.objects.get(
            student=world.student, guardian__email="carmen.ortiz@example.org"
        )
        assert (link.relationship, link.guardian.language) == ("grandparent", "es")
        assert "Carmen Ortiz" in client.get(response.url).content.decode()

    def test_a_guardian_linked_twice_is_shown_by_the_email_with_the_typed_values(
        self, client_as, world
    ):
        data = {"email": world.guardian.email.upper(), "first_name": "", "last_name": "Typed"}
        response = self._link(client_as("admin"), world.student, **data)
        assert_error_by_field(response, "email", "This guardian is already linked to this student.")
        assert_kept(response, "email", world.guardian.email.upper())
        assert_kept(response, "last_name", "Typed")
        assert world.student.guardian_links.count() == 1

    def test_a_guardian_of_another_school_is_shown_by_the_email(self, client_as, world):
        response = self._link(client_as("admin"), world.student, email=world.link2.guardian.email)
        assert_error_by_field(
            response,
            "email",
            "This email address cannot be used here. Check it, or use another one.",
        )
        assert world.student.guardian_links.count() == 1

    def test_a_new_guardian_without_a_name_is_shown_by_the_name(self, client_as, world):
        response = self._link(client_as("admin"), world.student, first_name="")
        assert_error_by_field(
            response, "first_name", "Enter the name of a guardian who is new to the school."
        )
        assert_kept(response, "last_name", "Ortiz")
        assert not User.objects.filter(email="carmen.ortiz@example.org").exists()

    def test_a_new_primary_contact_takes_over_from_the_old_one(self, client_as, world):
        response = self._link(client_as("admin"), world.student, is_primary_contact="on")
        assert response.status_code == 302
        primary = world.student.guardian_links.get(is_primary_contact=True)
        assert primary.guardian.email == "carmen.ortiz@example.org"

    def test_admin_changes_a_link_and_hands_over_the_primary_contact(self, client_as, world):
        second = factories.GuardianLinkFactory(student=world.student)
        data = {
            "relationship": "father",
            "is_primary_contact": "on",
            "lives_with_student": "",
            "receives_reminders": "on",
        }
        url = reverse("students:guardian-update", args=[second.pk])
        response = client_as("admin").post(url, data)
        assert response.status_code == 302
        second.refresh_from_db()
        world.link.refresh_from_db()
        assert (second.relationship, second.is_primary_contact) == ("father", True)
        assert second.lives_with_student is False
        assert not world.link.is_primary_contact

    def test_a_bad_relationship_is_shown_by_the_field(self, client_as, world):
        url = reverse("students:guardian-update", args=[world.link.pk])
        response = client_as("admin").post(url, {"relationship": "landlord"})
        assert response.status_code == 200
        assert "is-invalid" in field_html(response, "relationship")
        world.link.refresh_from_db()
        assert world.link.relationship == "mother"

    def test_admin_unlinks_a_guardian_who_keeps_their_account(self, client_as, world):
        url = reverse("students:guardian-delete", args=[world.link.pk])
        response = client_as("admin").post(url)
        assert response.status_code == 302
        assert response.url == world.student.get_absolute_url()
        assert not GuardianLink.objects.filter(pk=world.link.pk).exists()
        assert User.objects.filter(pk=world.guardian.pk, is_active=True).exists()

    def test_another_schools_admin_cannot_unlink(self, client_as, world):
        url = reverse("students:guardian-delete", args=[world.link.pk])
        assert client_as("admin2").post(url).status_code == 404
        assert GuardianLink.objects.filter(pk=world.link.pk).exists()


class TestOwnProfile:
    PROFILE = {
        "preferred_name": "Mo",
        "interests": "Tide pools and how they change with the seasons",
        "talents": "Drawing",
        "needs": "",
        "learning_style": "Hands-on, outside",
        "motivation": "My little sister",
    }

    def test_the_student_saves_their_profile(self, client_as, world):
        client = client_as("student")
        url = reverse("students:student-update", args=[world.student.pk])
        response = client.post(url, self.PROFILE)
        assert response.status_code == 302
        assert response.url == world.student.get_absolute_url()
        world.student.refresh_from_db()
        assert world.student.interests == self.PROFILE["interests"]
        assert world.student.preferred_name == "Mo"
        assert "Tide pools and how they change" in client.get(response.url).content.decode()

    def test_what_the_student_typed_is_kept_when_something_is_wrong(self, client_as, world):
        url = reverse("students:student-update", args=[world.student.pk])
        response = client_as("student").post(url, {**self.PROFILE, "preferred_name": "M" * 151})
        assert_error_by_field(
            response,
            "preferred_name",
            "Ensure this value has at most 150 characters (it has 151).",
        )
        interests = field_html(response, "interests")
        assert f"{self.PROFILE['interests']}</textarea>" in interests
        assert "Hands-on, outside</textarea>" in field_html(response, "learning_style")
        world.student.refresh_from_db()
        assert world.student.interests == "Marine biology, skateboard design"

    def test_a_student_cannot_edit_another_students_profile(self, client_as, world):
        url = reverse("students:student-update", args=[world.other_student.pk])
        assert client_as("student").post(url, self.PROFILE).status_code == 404
        world.other_student.refresh_from_db()
        assert world.other_student.interests != self.PROFILE["interests"]


class TestQueryCounts:
    """The student list and a student's page cost the same for a small and a larger school."""

    def _measure(self, client, url) -> int:
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    def _check_list(self, client_as, role, world, django_assert_num_queries):
        client = client_as(role)
        url = reverse("students:student-list")
        for _ in range(2):
            factories.student_with_family(world.advisory)
        small = self._measure(client, url)
        students = [factories.student_with_family(world.advisory) for _ in range(27)]
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            page = client.get(url).content.decode()
        assert all(html.escape(student.display_name) in page for student in students)
        assert page.count("<td>Harbor</td>") == 30
        visible = Student.objects.visible_to(world.person(role)).count()
        assert f"<caption>{visible} students</caption>" in page

    def test_student_list_as_admin(self, client_as, world, django_assert_num_queries):
        factories.StudentFactory.create_batch(10, school=world.school)
        self._check_list(client_as, "admin", world, django_assert_num_queries)

    def test_student_list_as_advisor(self, client_as, world, django_assert_num_queries):
        self._check_list(client_as, "advisor", world, django_assert_num_queries)

    def test_student_detail(self, client_as, world, django_assert_num_queries):
        client = client_as("admin")
        url = world.student.get_absolute_url()
        small = self._measure(client, url)

        for _ in range(5):
            factories.GuardianLinkFactory(student=world.student)
        membership = world.student.memberships.get()
        membership.start_date = date(2023, 8, 28)
        membership.end_date = date(2024, 8, 26)
        membership.save()
        for start, end in [(date(2024, 8, 26), date(2025, 8, 25)), (date(2025, 8, 25), None)]:
            factories.MembershipFactory(
                advisory=factories.AdvisoryFactory(school=world.school),
                student=world.student,
                start_date=start,
                end_date=end,
            )
        for _ in range(27):
            factories.student_with_family(world.advisory)
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            page = client.get(url).content.decode()
        assert page.count("Unlink<span") == 6
        assert page.count("<tr><td>") == 3

    def test_student_detail_as_a_guardian(self, client_as, world, django_assert_num_queries):
        client = client_as("guardian")
        url = world.student.get_absolute_url()
        small = self._measure(client, url)
        for _ in range(5):
            factories.GuardianLinkFactory(student=world.student)
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            page = client.get(url).content.decode()
        assert "Unlink" not in page
