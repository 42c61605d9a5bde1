"""Core pages through the client: people, preferences, school settings, years and terms,
signing in, password set-up by email, lockout, and what the busiest pages cost."""

import html
import re
from datetime import date

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigpicture.models import School, SchoolYear, Term, User
from bigpicture.services import person_create
from tests import factories
from tests.factories import PASSWORD


def field_html(response, name: str) -> str:
    """The rendered block of one form field: its label, input and the error shown by it."""
    page = response.content.decode()
    blocks = page.split('<div id="div_id_')
    return next(block for block in blocks[1:] if block.startswith(f'{name}"'))


def assert_error_by_field(response, name: str, message: str) -> None:
    assert response.status_code == 200
    block = field_html(response, name)
    assert "is-invalid" in block
    assert f"<strong>{html.escape(message)}</strong>" in block


def assert_kept(response, name: str, value: str) -> None:
    assert f'value="{html.escape(value)}"' in field_html(response, name)


def _queries(client, url) -> int:
    cache.clear()  # the school's shared data read afresh
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


PERSON = {
    "email": "Dolores.Huerta@example.org",
    "first_name": "Dolores",
    "last_name": "Huerta",
    "language": "es",
    "roles": ["advisor", "guardian"],
}


class TestPersonForms:
    def test_admin_adds_a_person(self, client_as):
        response = client_as("admin").post(reverse("bigpicture:person-create"), PERSON)
        assert response.status_code == 302
        assert response.url == reverse("bigpicture:person-list")
        person = User.objects.get(email="dolores.huerta@example.org")
        assert person.roles == {"advisor", "guardian"}
        assert person.language == "es"
        assert not person.has_usable_password()

    def test_a_taken_email_in_another_case_is_shown_by_the_field_with_the_typed_values(
        self, client_as
    ):
        typed = {**PERSON, "email": "ADMIN@Met.Test"}
        response = client_as("admin").post(reverse("bigpicture:person-create"), typed)
        assert_error_by_field(response, "email", "A person with this email address already exists.")
        assert_kept(response, "email", "ADMIN@Met.Test")
        assert_kept(response, "first_name", "Dolores")
        assert_kept(response, "last_name", "Huerta")
        assert not User.objects.filter(first_name="Dolores").exists()

    def test_a_person_needs_a_role(self, client_as):
        typed = {key: value for key, value in PERSON.items() if key != "roles"}
        response = client_as("admin").post(reverse("bigpicture:person-create"), typed)
        assert_error_by_field(response, "roles", "This field is required.")
        assert_kept(response, "first_name", "Dolores")

    def test_admin_changes_a_person(self, client_as, world):
        data = {**PERSON, "email": "mentor@site.test", "roles": ["mentor"], "is_active": ""}
        url = reverse("bigpicture:person-update", args=[world.mentor.pk])
        response = client_as("admin").post(url, data)
        assert response.status_code == 302
        world.mentor.refresh_from_db()
        assert world.mentor.email == "mentor@site.test"
        assert world.mentor.first_name == "Dolores"
        assert world.mentor.is_active is False

    def test_changing_to_a_taken_email_is_shown_by_the_field(self, client_as, world):
        data = {**PERSON, "email": "Admin@met.test", "roles": ["mentor"], "is_active": "on"}
        url = reverse("bigpicture:person-update", args=[world.mentor.pk])
        response = client_as("admin").post(url, data)
        assert_error_by_field(response, "email", "A person with this email address already exists.")
        assert_kept(response, "first_name", "Dolores")
        world.mentor.refresh_from_db()
        assert world.mentor.first_name != "Dolores"

    def test_an_admin_removing_their_own_admin_role_is_told_by_the_roles(self, client_as, world):
        data = {**PERSON, "email": "admin@met.test", "roles": ["advisor"], "is_active": "on"}
        url = reverse("bigpicture:person-update", args=[world.admin.pk])
        response = client_as("admin").post(url, data)
        assert_error_by_field(response, "roles", "You cannot remove your own admin role.")
        world.admin.refresh_from_db()
        assert world.admin.is_school_admin

    def test_another_schools_admin_cannot_change_the_person(self, client_as, world):
        url = reverse("bigpicture:person-update", args=[world.mentor.pk])
        response = client_as("admin2").post(url, {**PERSON, "roles": ["mentor"]})
        assert response.status_code == 404


class TestPreferences:
    def test_a_person_saves_their_name_and_language(self, client_as, world):
        data = {"first_name": "Ana", "last_name": "Ruiz", "language": "es"}
        response = client_as("guardian").post(reverse("bigpicture:preferences"), data)
        assert response.status_code == 302
        world.guardian.refresh_from_db()
        assert (world.guardian.first_name, world.guardian.language) == ("Ana", "es")

    def test_a_missing_name_is_shown_by_the_field(self, client_as):
        data = {"first_name": "", "last_name": "Ruiz", "language": "en"}
        response = client_as("guardian").post(reverse("bigpicture:preferences"), data)
        assert_error_by_field(response, "first_name", "This field is required.")
        assert_kept(response, "last_name", "Ruiz")


class TestSchoolSettings:
    def _post(self, client, world, **changes):
        data = {
            "name": "The Met",
            "time_zone": "America/Chicago",
            "term_system": "trimesters",
            "advisory_capacity": "12",
            "access_record_days": "730",
            "evidence_limit_mb": "200",
            **changes,
        }
        return client.post(reverse("bigpicture:school-update", args=[world.school.pk]), data)

    def test_admin_saves_the_settings(self, client_as, world):
        response = self._post(client_as("admin"), world)
        assert response.status_code == 302
        assert response.url == world.school.get_absolute_url()
        world.school.refresh_from_db()
        assert (world.school.time_zone, world.school.advisory_capacity) == ("America/Chicago", 12)
        assert world.school.access_record_days == 730

    def test_the_record_of_access_is_kept_at_least_a_year(self, client_as, world):
        response = self._post(client_as("admin"), world, access_record_days="30")
        assert_error_by_field(
            response, "access_record_days", "Ensure this value is greater than or equal to 365."
        )
        assert_kept(response, "name", "The Met")
        assert School.objects.get(pk=world.school.pk).access_record_days == 7 * 365

    def test_an_unknown_time_zone_is_shown_by_the_field(self, client_as, world):
        response = self._post(client_as("admin"), world, time_zone="Europe/Atlantis")
        assert_error_by_field(response, "time_zone", "“Europe/Atlantis” is not a known time zone.")
        assert_kept(response, "name", "The Met")
        assert School.objects.get(pk=world.school.pk).name == "Met Providence"

    def test_a_capacity_of_zero_is_shown_by_the_field(self, client_as, world):
        response = self._post(client_as("admin"), world, advisory_capacity="0")
        assert_error_by_field(
            response, "advisory_capacity", "Ensure this value is greater than or equal to 1."
        )
        assert School.objects.get(pk=world.school.pk).advisory_capacity == 15


class TestYearsAndTerms:
    def _add_year(self, client, school, start, end, name="2041-2042"):
        url = reverse("bigpicture:year-list", args=[school.pk])
        return client.post(url, {"name": name, "start_date": start, "end_date": end})

    def test_admin_adds_a_year(self, client_as, world):
        # The second school has no year yet; a year has to fall within a few years of today.
        response = self._add_year(client_as("admin2"), world.school2, "2027-08-23", "2028-06-16")
        assert response.status_code == 302
        assert SchoolYear.objects.filter(school=world.school2, name="2041-2042").exists()

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            ("2028-06-20", "2027-08-26", "The last day must come after the first day."),
            ("2027-08-26", "2028-08-20", "This school year overlaps another one of the school."),
        ],
    )
    def test_bad_dates_and_overlaps_are_shown_with_the_typed_values(
        self, client_as, world, start, end, message
    ):
        response = self._add_year(client_as("admin"), world.school, start, end)
        assert response.status_code == 200
        assert html.escape(message) in response.content.decode()
        assert_kept(response, "start_date", start)
        assert_kept(response, "end_date", end)
        assert not SchoolYear.objects.filter(name="2041-2042").exists()

    def test_a_year_name_used_twice_is_refused(self, client_as, world):
        response = self._add_year(
            client_as("admin"), world.school, "2041-08-26", "2042-06-20", name="Long year"
        )
        assert response.status_code == 200
        assert SchoolYear.objects.filter(school=world.school).count() == 1

    def _add_term(self, client, year, start, end):
        url = reverse("bigpicture:term-create", args=[year.pk])
        return client.post(url, {"name": "Quarter 2", "start_date": start, "end_date": end})

    def test_admin_adds_a_term(self, client_as, world):
        response = self._add_term(client_as("admin"), world.year, "2029-11-02", "2030-01-22")
        assert response.status_code == 302
        assert response.url == reverse("bigpicture:year-list", args=[world.school.pk])
        assert world.year.terms.get(start_date=date(2029, 11, 2)).name == "Quarter 2"

    @pytest.mark.parametrize(
        ("start", "end", "message"),
        [
            ("2027-01-22", "2026-11-02", "The last day must come after the first day."),
            ("2019-06-01", "2019-08-01", "A term must fall inside its school year."),
            ("2026-10-01", "2026-12-01", "This term overlaps another term of the same year."),
        ],
    )
    def test_bad_term_dates_and_overlaps_are_shown(self, client_as, world, start, end, message):
        factories.TermFactory(
            school_year=world.year,
            name="Quarter 1",
            start_date=date(2026, 8, 24),
            end_date=date(2026, 10, 30),
        )
        response = self._add_term(client_as("admin"), world.year, start, end)
        assert response.status_code == 200
        assert html.escape(message) in response.content.decode()
        assert_kept(response, "start_date", start)
        assert not Term.objects.filter(name="Quarter 2").exists()


class TestSigningIn:
    def _sign_in(self, client, email, password, address="10.0.0.1"):
        data = {"username": email, "password": password}
        return client.post(reverse("login"), data, REMOTE_ADDR=address)

    def test_the_email_is_matched_whatever_its_case(self, client, world):
        response = self._sign_in(client, "  ADMIN@Met.Test ", PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("bigpicture:home")
        assert client.session["_auth_user_id"] == str(world.admin.pk)

    def test_a_wrong_password_is_refused(self, client, world):
        response = self._sign_in(client, "admin@met.test", "not-the-password")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_five_failures_lock_the_account_at_that_address_only(self, client, world):
        for _attempt in range(5):
            self._sign_in(client, "admin@met.test", "guess")
        locked = self._sign_in(client, "admin@met.test", PASSWORD)
        assert locked.status_code == 429
        assert "Too many failed sign-in attempts" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        # changing the case of the email is the same account
        assert self._sign_in(client, "Admin@MET.test", PASSWORD).status_code == 429

        # another person at the same address (a school's one public address) still signs in
        assert self._sign_in(client, world.advisor.email, PASSWORD).status_code == 302
        client.logout()
        # and so does the same person from another address
        response = self._sign_in(client, "admin@met.test", PASSWORD, address="10.0.0.2")
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(world.admin.pk)

    def test_the_back_office_sign_in_locks_out_too(self, client, world):
        operator = factories.UserFactory(school=None, is_staff=True, is_superuser=True)
        url = reverse("admin:login")
        for _attempt in range(5):
            client.post(url, {"username": operator.email.upper(), "password": "guess"})
        locked = client.post(url, {"username": operator.email, "password": PASSWORD})
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_four_failures_do_not_lock(self, client, world):
        for _attempt in range(4):
            self._sign_in(client, "admin@met.test", "guess")
        assert self._sign_in(client, "admin@met.test", PASSWORD).status_code == 302


class TestPasswordSetUp:
    def test_a_new_person_without_a_password_gets_the_link_and_sets_one(
        self, client, world, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            person = person_create(
                school=world.school,
                by=world.admin,
                email="new.advisor@met.test",
                first_name="Nia",
                last_name="Cole",
                roles={"advisor"},
            )
        assert not person.has_usable_password()
        invitation = mail.outbox.pop()
        assert invitation.to == ["new.advisor@met.test"]
        assert "/accounts/reset/" in invitation.body

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": "New.Advisor@MET.test"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["new.advisor@met.test"]
        link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)

        form_page = client.get(link, follow=True)
        assert form_page.status_code == 200
        new_password = "Tide-pool-survey-42"
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": new_password, "new_password2": new_password},
        )
        assert done.status_code == 302
        person.refresh_from_db()
        assert person.check_password(new_password)

        signed_in = client.post(
            reverse("login"), {"username": "new.advisor@met.test", "password": new_password}
        )
        assert signed_in.status_code == 302

    def test_nobody_is_told_whether_an_address_is_known(
        self, client, world, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": "stranger@example.org"})
        assert response.status_code == 302
        assert mail.outbox == []

    def test_a_deactivated_person_gets_no_link(
        self, client, world, django_capture_on_commit_callbacks
    ):
        world.mentor.is_active = False
        world.mentor.save()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("password_reset"), {"email": world.mentor.email})
        assert mail.outbox == []


class TestQueryCounts:
    """The busiest pages cost the same number of queries for a small and a larger school."""

    def test_advisor_home(self, client_as, world, django_assert_num_queries):
        client = client_as("advisor")
        for _ in range(2):
            factories.student_with_family(world.advisory)
        url = reverse("bigpicture:home")
        small = _queries(client, url)

        second = factories.AdvisoryFactory(school=world.school, advisor=world.advisor)
        students = [factories.student_with_family(world.advisory) for _ in range(27)]
        students += [factories.student_with_family(second) for _ in range(5)]
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            response = client.get(url)
        page = response.content.decode()
        assert all(html.escape(student.display_name) in page for student in students)
        assert second.name in page

    def test_school_overview(self, client_as, world, django_assert_num_queries):
        client = client_as("admin")
        for _ in range(2):
            factories.student_with_family(world.advisory)
        url = reverse("bigpicture:school-overview", args=[world.school.pk])
        small = _queries(client, url)

        for _ in range(5):
            advisory = factories.AdvisoryFactory(school=world.school)
            for _ in range(6):
                factories.student_with_family(advisory)
        factories.StudentFactory.create_batch(30, school=world.school)
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            response = client.get(url)
        page = response.content.decode()
        assert page.count("Place in an advisory<span") == 25  # the first 25 of 31 unplaced
        assert "See all 31" in page
        assert "See all 7 advisories" in page
        # one row per graduating class, however many advisories: 2028 now has six
        assert page.count('<th scope="row"><a href="/advisories/?class=') == 2
        assert '?class=2028">2028</a></th>\n      <td>—</td>\n      <td>6</td>' in page

    def test_admin_home(self, client_as, world, django_assert_num_queries):
        client = client_as("admin")
        url = reverse("bigpicture:home")
        small = _queries(client, url)
        for _ in range(4):
            advisory = factories.AdvisoryFactory(school=world.school)
            for _ in range(7):
                factories.student_with_family(advisory)
        factories.StudentFactory.create_batch(10, school=world.school)
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            client.get(url)

    def test_people_list(self, client_as, world, django_assert_num_queries):
        client = client_as("admin")
        for _ in range(2):
            factories.student_with_family(world.advisory)
        url = reverse("bigpicture:person-list")
        small = _queries(client, url)

        for _ in range(27):
            factories.student_with_family(world.advisory)
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            response = client.get(url)
        total = User.objects.filter(school=world.school).count()
        assert total > 50  # more than one page
        assert f"{total} people" in response.content.decode()

    def test_guardian_home(self, client_as, world, django_assert_num_queries):
        client = client_as("guardian")
        for advisory in (world.advisory, world.other_advisory):
            child = factories.MembershipFactory(advisory=advisory).student
            factories.GuardianLinkFactory(student=child, guardian=world.guardian)
        url = reverse("bigpicture:home")
        small = _queries(client, url)

        children = []
        for number in range(27):
            advisory = factories.AdvisoryFactory(school=world.school) if number % 3 else None
            child = (
                factories.MembershipFactory(advisory=advisory).student
                if advisory
                else factories.StudentFactory(school=world.school)
            )
            factories.GuardianLinkFactory(student=child, guardian=world.guardian)
            children.append(child)
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(small):
            response = client.get(url)
        page = response.content.decode()
        assert all(html.escape(child.display_name) in page for child in children)
