"""Mentors sign in with a one-time link by email: the same answer for every address, links
only for mentors, five an hour, a confirmation button before the link is used, and a clear
page for a used, expired or unknown link."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from bigpicture.models import Notification
from internships.models import SignInLink
from internships.services import portal as services
from tests import factories

SIGN_IN = reverse("internships:portal-sign-in")
SENT = "If this address belongs to a mentor, a link is on its way."
LINK = re.compile(r"http://[^/\s]+(/internships/portal/[\w-]+/)")


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a link on the sign-in page, as anyone would; the email goes out at once."""

    def run(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SIGN_IN, {"email": email})
        assert response.status_code == 200
        return response

    return run


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _link_in(message) -> str:
    return LINK.search(message.body).group(1)


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


class TestAskingForALink:
    def test_the_sign_in_page_is_linked_from_the_password_page(self, client, db):
        page = client.get(reverse("login")).content.decode()
        assert f'href="{SIGN_IN}"' in page
        assert "Mentors: sign in with a link by email" in page

    def test_a_mentor_gets_a_link_and_only_its_hash_is_kept(self, ask, world, mailoutbox):
        response = ask(world.mentor.email.upper())
        assert SENT in response.content.decode()
        assert [m.to for m in mailoutbox] == [[world.mentor.email]]
        path = _link_in(mailoutbox[0])
        token = _token(path)
        assert len(token) >= 43  # token_urlsafe(32)
        link = SignInLink.objects.get()
        assert link.user == world.mentor
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert link.used_at is None
        assert timedelta(minutes=29) < link.expires_at - timezone.now() <= timedelta(minutes=30)
        row = Notification.objects.get(rule="mentor_sign_in")
        assert row.kind == "account"
        assert token not in str(row.context) and token not in row.subject
        assert "It works once, for 30 minutes." in mailoutbox[0].body

    @pytest.mark.parametrize("who", ["admin", "advisor", "student", "guardian", "nobody"])
    def test_anyone_else_gets_the_same_page_and_no_link(self, ask, world, mailoutbox, who):
        email = "nobody@nowhere.test" if who == "nobody" else world.person(who).email
        mentor_page = ask(world.mentor.email).content.decode()
        mailoutbox.clear()
        page = ask(email).content.decode()
        assert _without_csrf(page) == _without_csrf(mentor_page)
        assert SENT in page
        assert mailoutbox == []
        assert SignInLink.objects.filter(user__email=email).count() == 0

    def test_an_admin_who_also_mentors_keeps_their_password(self, ask, world, mailoutbox):
        world.admin.is_mentor = True
        world.admin.save()
        ask(world.admin.email)
        assert mailoutbox == []

    def test_a_deactivated_mentor_gets_nothing(self, ask, world, mailoutbox):
        world.mentor.is_active = False
        world.mentor.save()
        ask(world.mentor.email)
        assert mailoutbox == []

    def test_at_most_five_links_an_hour(self, ask, world, mailoutbox):
        for _ in range(7):
            assert SENT in ask(world.mentor.email).content.decode()
        assert len(mailoutbox) == 5
        assert SignInLink.objects.filter(user=world.mentor).count() == 5
        Notification.objects.update(created_at=timezone.now() - timedelta(minutes=61))
        ask(world.mentor.email)
        assert len(mailoutbox) == 6  # an hour later, again

    def test_the_throttle_is_per_person(self, ask, world, mailoutbox):
        other = factories.MentorProfileFactory(site=world.mentor_profile.site).user
        for _ in range(5):
            ask(world.mentor.email)
        ask(other.email)
        assert [m.to for m in mailoutbox][-1] == [other.email]

    def test_a_bad_address_is_shown_by_the_field(self, client, db):
        response = client.post(SIGN_IN, {"email": "not an email"})
        assert response.status_code == 200
        assert "email" in response.context["form"].errors

    def test_the_link_lasts_the_configured_minutes(self, ask, world, mailoutbox, settings):
        settings.MENTOR_LINK_MINUTES = 5
        ask(world.mentor.email)
        link = SignInLink.objects.get()
        assert link.expires_at - timezone.now() <= timedelta(minutes=5)
        assert "It works once, for 5 minutes." in mailoutbox[0].body

    def test_a_live_token_is_never_logged(self, ask, client, world, mailoutbox, caplog):
        """Asking, sending, opening and using a link log nothing of it. (Django logs the
        address of a refused request, 404 or 410: by then the token opens nothing.)"""
        caplog.set_level(logging.DEBUG)
        ask(world.mentor.email)
        path = _link_in(mailoutbox[0])
        assert client.get(path).status_code == 200
        assert client.post(path).status_code == 302
        token = _token(path)
        assert token not in caplog.text
        assert all(token not in str(record.args) for record in caplog.records)


class TestUsingALink:
    def test_opening_the_link_asks_first_and_does_not_use_it_up(
        self, ask, client, world, mailoutbox
    ):
        ask(world.mentor.email)
        path = _link_in(mailoutbox[0])
        for _ in range(2):  # a mail scanner fetching it, then the person
            response = client.get(path)
            assert response.status_code == 200
            assert "Press the button to sign in." in response.content.decode()
        assert SignInLink.objects.get().used_at is None
        assert SESSION_KEY not in client.session
        assert response["Cache-Control"].startswith("max-age=0")

    def test_the_button_signs_the_mentor_in_once(self, ask, client, world, mailoutbox):
        ask(world.mentor.email)
        path = _link_in(mailoutbox[0])
        response = client.post(path)
        assert response.status_code == 302
        assert response.url == reverse("bigpicture:home")
        assert client.session[SESSION_KEY] == str(world.mentor.pk)
        assert client.get(response.url).status_code == 200
        assert SignInLink.objects.get().used_at is not None
        client.logout()
        again = client.post(path)
        assert again.status_code == 410
        assert "This link has already been used." in again.content.decode()
        assert SESSION_KEY not in client.session
        assert client.get(path).status_code == 410

    def test_an_expired_link_says_so(self, client, world):
        token, _link = SignInLink.objects.issue(
            user=world.mentor, now=timezone.now() - timedelta(minutes=31)
        )
        path = reverse("internships:portal-link", args=[token])
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 410
            page = response.content.decode()
            assert "This link has expired: a link works for 30 minutes." in page
            assert f'href="{SIGN_IN}"' in page
        assert SESSION_KEY not in client.session

    def test_an_unknown_link_says_so(self, client, db):
        path = reverse("internships:portal-link", args=["made-up-token"])
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 404
            assert "This link is not valid." in response.content.decode()
            assert f'href="{SIGN_IN}"' in response.content.decode()

    @pytest.mark.parametrize("who", ["admin", "advisor", "guardian"])
    def test_a_link_for_someone_who_is_not_only_a_mentor_signs_nobody_in(self, client, world, who):
        token, link = SignInLink.objects.issue(user=world.person(who))
        path = reverse("internships:portal-link", args=[token])
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
        assert SESSION_KEY not in client.session
        link.refresh_from_db()
        assert link.used_at is None

    def test_a_mentor_deactivated_after_asking_cannot_use_the_link(self, client, world):
        token, _link = SignInLink.objects.issue(user=world.mentor)
        world.mentor.is_active = False
        world.mentor.save()
        path = reverse("internships:portal-link", args=[token])
        assert client.post(path).status_code == 404
        assert SESSION_KEY not in client.session

    def test_the_link_is_used_once_even_when_redeemed_twice(self, world):
        token, _link = SignInLink.objects.issue(user=world.mentor)
        assert services.sign_in_link_redeem(token=token) == world.mentor
        with pytest.raises(services.LinkRefused) as refused:
            services.sign_in_link_redeem(token=token)
        assert refused.value.reason == "used"

    def test_a_link_email_for_someone_no_longer_a_mentor_is_not_sent(
        self, client, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        from bigpicture import notifications

        services.sign_in_request(email=world.mentor.email)  # written, not sent yet
        world.mentor.is_mentor = False
        world.mentor.save()
        row = Notification.objects.get(rule="mentor_sign_in")
        notifications.deliver([row.pk])
        row.refresh_from_db()
        assert row.status == Notification.Status.SKIPPED
        assert mailoutbox == []
        assert not SignInLink.objects.exists()
