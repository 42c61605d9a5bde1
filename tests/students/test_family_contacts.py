"""Families without email (issue 15, item 7): a guardian reached by phone (validated, kept in
E.164), email optional for guardians only, no email nor invitation to someone without an
address, and the family's contacts on the student's page for those who may read them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigpicture import notifications
from bigpicture.forms import PersonForm
from bigpicture.models import Notification, User
from bigpicture.reminders import ACCOUNT_INVITATION, invitation
from students.forms import GuardianLinkForm
from students.models import GuardianLink
from students.services import guardian_link
from tests import factories

BAD_PHONES = ["12", "+1 555", "call me", "abc"]
PHONE_MESSAGE = "Enter a phone number that can be dialled"


def _phone_only_guardian(world, **fields) -> User:
    return factories.GuardianFactory(
        school=world.school, email=None, phone="+12025550143", **fields
    )


class TestGuardianLinkForm:
    def test_a_phone_without_email_is_enough_and_kept_in_e164(self):
        form = GuardianLinkForm(
            data={
                "email": "",
                "phone": "(202) 555-0143",
                "first_name": "Rosa",
                "last_name": "Diaz",
                "language": "es",
                "relationship": "mother",
            }
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["phone"] == "+12025550143"

    @pytest.mark.parametrize("phone", BAD_PHONES)
    def test_a_bad_phone_is_refused_next_to_the_field(self, phone):
        form = GuardianLinkForm(
            data={"phone": phone, "first_name": "A", "last_name": "B", "language": "en"}
        )
        assert not form.is_valid()
        assert PHONE_MESSAGE in form.errors["phone"][0]

    def test_neither_email_nor_phone_is_refused_next_to_the_email(self):
        form = GuardianLinkForm(data={"first_name": "A", "last_name": "B", "language": "en"})
        assert not form.is_valid()
        assert "email address or a phone number" in form.errors["email"][0]


class TestPersonForm:
    def _form(self, world, roles, **data):
        base = {"first_name": "Ana", "last_name": "Ruiz", "language": "en", "roles": roles}
        return PersonForm(data={**base, **data}, instance=User(school=world.school))

    def test_a_guardian_may_have_a_phone_instead_of_an_email(self, world):
        form = self._form(world, ["guardian"], email="", phone="202 555 0143")
        assert form.is_valid(), form.errors
        assert (form.cleaned_data["email"], form.cleaned_data["phone"]) == (None, "+12025550143")

    @pytest.mark.parametrize("role", ["student", "advisor", "admin", "mentor"])
    def test_everyone_else_needs_an_email(self, world, role):
        form = self._form(world, [role], email="", phone="202 555 0143")
        assert not form.is_valid()
        assert "how this person signs in" in form.errors["email"][0]

    @pytest.mark.parametrize("phone", BAD_PHONES)
    def test_a_bad_phone_is_refused(self, world, phone):
        form = self._form(world, ["guardian"], email="ana@example.org", phone=phone)
        assert not form.is_valid()
        assert PHONE_MESSAGE in form.errors["phone"][0]

    def test_a_guardian_with_neither_is_refused(self, world):
        form = self._form(world, ["guardian"], email="", phone="")
        assert not form.is_valid()
        assert "email address or a phone number" in form.errors["email"][0]

    def test_the_admin_adds_a_guardian_by_phone_and_no_invitation_is_written(
        self, client_as, world
    ):
        response = client_as("admin").post(
            reverse("bigpicture:person-create"),
            {
                "email": "",
                "phone": "(202) 555-0143",
                "first_name": "Ana",
                "last_name": "Ruiz",
                "language": "es",
                "roles": ["guardian"],
            },
        )
        assert response.status_code == 302
        person = User.objects.get(first_name="Ana", last_name="Ruiz")
        assert (person.email, str(person.phone)) == (None, "+12025550143")
        assert not Notification.objects.filter(recipient=person).exists()

    def test_a_bad_phone_keeps_what_was_typed(self, client_as, world):
        people = User.objects.count()
        response = client_as("admin").post(
            reverse("bigpicture:person-create"),
            {
                "email": "",
                "phone": "+1 555",
                "first_name": "Ana",
                "last_name": "Ruiz",
                "language": "es",
                "roles": ["guardian"],
            },
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert PHONE_MESSAGE in page and 'value="+1 555"' in page
        assert User.objects.count() == people  # (the world's names are random: count them)

    def test_an_address_given_later_invites_them(self, client_as, world):
        person = _phone_only_guardian(world)
        client_as("admin").post(
            reverse("bigpicture:person-update", args=[person.pk]),
            {
                "email": "later@example.org",
                "phone": "+12025550143",
                "first_name": person.first_name,
                "last_name": person.last_name,
                "language": "en",
                "roles": ["guardian"],
                "is_active": "on",
            },
        )
        row = Notification.objects.get(recipient=person)
        assert row.rule == ACCOUNT_INVITATION.key


class TestLinkingByPhone:
    def test_the_admin_links_a_new_guardian_by_phone(self, client_as, world):
        url = reverse("students:guardian-create", args=[world.student.pk])
        response = client_as("admin").post(
            url,
            {
                "email": "",
                "phone": "(202) 555-0143",
                "first_name": "Rosa",
                "last_name": "Diaz",
                "language": "es",
                "relationship": "grandparent",
                "lives_with_student": "on",
                "receives_reminders": "on",
            },
        )
        assert response.status_code == 302
        link = GuardianLink.objects.get(student=world.student, guardian__last_name="Diaz")
        assert (link.guardian.email, link.guardian.phone.as_e164) == (None, "+12025550143")
        assert link.guardian.is_guardian and not link.guardian.has_usable_password()
        assert not Notification.objects.filter(recipient=link.guardian).exists()

    def test_a_bad_phone_on_the_link_form_keeps_the_typing(self, client_as, world):
        url = reverse("students:guardian-create", args=[world.student.pk])
        people = User.objects.count()
        response = client_as("admin").post(
            url,
            {"phone": "12", "first_name": "Rosa", "last_name": "Diaz", "language": "es"},
        )
        page = response.content.decode()
        assert PHONE_MESSAGE in page and 'value="12"' in page and 'value="Rosa"' in page
        assert User.objects.count() == people

    def test_a_guardian_known_by_phone_is_linked_again_not_duplicated(self, world):
        known = _phone_only_guardian(world, first_name="Rosa", last_name="Diaz")
        sibling = factories.StudentFactory(school=world.school)
        link = guardian_link(
            student=sibling,
            by=world.admin,
            phone="+12025550143",
            first_name="rosa",
            last_name="DIAZ",
        )
        assert link.guardian == known
        # another person sharing the home phone is told apart by name
        other = guardian_link(
            student=sibling,
            by=world.admin,
            phone="+12025550143",
            first_name="Luis",
            last_name="Diaz",
        )
        assert other.guardian != known and other.guardian.email is None

    def test_the_phone_is_changed_on_the_link_form_and_cannot_be_emptied_without_email(
        self, client_as, world
    ):
        guardian = _phone_only_guardian(world)
        link = factories.GuardianLinkFactory(student=world.other_student, guardian=guardian)
        url = reverse("students:guardian-update", args=[link.pk])
        data = {"relationship": "father", "lives_with_student": "on", "receives_reminders": "on"}
        client = client_as("admin")
        response = client.post(url, {**data, "phone": "+44 20 7946 0958"})
        assert response.status_code == 302
        guardian.refresh_from_db()
        assert guardian.phone.as_e164 == "+442079460958"
        response = client.post(url, {**data, "phone": ""})
        assert "keep a phone number" in response.content.decode()
        guardian.refresh_from_db()
        assert guardian.phone.as_e164 == "+442079460958"


class TestNoEmailNoMessage:
    def test_a_person_without_an_address_gets_no_outbox_row(self, world):
        guardian = _phone_only_guardian(world)
        written = notifications.record(ACCOUNT_INVITATION, [invitation(guardian)])
        assert written == 0
        assert not Notification.objects.filter(recipient=guardian).exists()

    def test_an_address_removed_after_writing_is_skipped_when_sending(self, world, mailoutbox):
        guardian = factories.GuardianFactory(school=world.school, phone="+12025550143")
        notifications.record(ACCOUNT_INVITATION, [invitation(guardian)])
        User.objects.filter(pk=guardian.pk).update(email=None)
        row = Notification.objects.get(recipient=guardian)
        assert notifications.deliver([row.pk])["skipped"] == 1
        row.refresh_from_db()
        assert (row.status, row.reason) == ("skipped", "No email address.")
        assert mailoutbox == []

    def test_no_password_link_for_no_address(self, client, world):
        _phone_only_guardian(world)
        client.post(reverse("password_reset"), {"email": ""})
        assert not Notification.objects.exists()


class TestStudentPageContacts:
    @pytest.fixture
    def family(self, world):
        world.guardian.phone = "+12025550143"
        world.guardian.save()
        other = _phone_only_guardian(world, first_name="Luis", last_name="Diaz")
        factories.GuardianLinkFactory(student=world.student, guardian=other)
        return other

    def _page(self, client, world) -> str:
        response = client.get(world.student.get_absolute_url())
        assert response.status_code == 200
        return response.content.decode()

    @pytest.mark.parametrize("role", ["advisor", "admin"])
    def test_the_advisor_and_admin_see_every_contact(self, client_as, world, family, role):
        page = self._page(client_as(role), world)
        assert f'href="mailto:{world.guardian.email}"' in page
        assert 'href="tel:+12025550143">(202) 555-0143</a>' in page
        assert "No email: call them" in page  # Luis has a phone only

    def test_a_guardian_reads_only_their_own_contact(self, client_as, world, family):
        other_phone = "+13125550199"
        User.objects.filter(pk=family.pk).update(phone=other_phone)
        page = self._page(client_as("guardian"), world)
        assert f'href="mailto:{world.guardian.email}"' in page
        assert other_phone not in page and "No email: call them" not in page
        assert "Luis Diaz" in page  # the family is named, not its contacts

    def test_the_student_reads_no_contact(self, client_as, world, family):
        page = self._page(client_as("student"), world)
        assert "tel:" not in page and f"mailto:{world.guardian.email}" not in page

    def test_the_page_costs_the_same_with_one_or_many_guardians(
        self, client_as, world, django_assert_num_queries
    ):
        client = client_as("advisor")
        url = world.student.get_absolute_url()
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for number in range(6):
            guardian = factories.GuardianFactory(
                school=world.school, email=None, phone=f"+1202555{number:04d}"
            )
            factories.GuardianLinkFactory(student=world.student, guardian=guardian)
        with django_assert_num_queries(len(few)):
            page = self._page(client, world)
        assert page.count('href="tel:') == 6
