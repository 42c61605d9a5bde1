"""Sign-in lockout and rate limits behind the reverse proxy the deployment guide requires.

Behind nginx every request comes from the proxy's address: the client's is read from
``X-Forwarded-For``, and only when the deployment says how many proxies it trusts. One address
trying many accounts (password spraying) is stopped too, and so is a flood of password-reset
requests; each answers 429 with a page that says what happened.
"""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from bigpicture.throttle import client_ip
from tests import factories
from tests.factories import PASSWORD

PROXY = "10.0.0.9"  # nginx, as the app server sees every request
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _request(forwarded=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


class TestTheClientsAddress:
    def test_without_proxies_the_header_is_not_trusted(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(_request("203.0.113.7")) == PROXY

    def test_behind_one_proxy_the_address_it_heard_from_is_the_clients(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(_request("203.0.113.7")) == "203.0.113.7"
        # what the client wrote in the header itself, left of the proxy's entry, is ignored
        assert client_ip(_request("6.6.6.6, 203.0.113.7")) == "203.0.113.7"

    def test_behind_two_proxies_the_farther_ones_entry_is_the_clients(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_ip(_request("6.6.6.6, 203.0.113.7, 198.51.100.2")) == "203.0.113.7"

    @pytest.mark.parametrize("forwarded", [None, "", "not-an-address", " , "])
    def test_a_missing_or_broken_header_falls_back_to_the_peer(self, settings, forwarded):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(_request(forwarded)) == PROXY


def _sign_in(client, email, password, forwarded):
    data = {"username": email, "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


class TestLockoutBehindTheProxy:
    def test_failures_from_one_client_do_not_lock_out_another(self, client, world, behind_nginx):
        for _attempt in range(5):
            _sign_in(client, world.admin.email, "guess", forwarded="203.0.113.7")
        assert _sign_in(client, world.admin.email, PASSWORD, "203.0.113.7").status_code == 429
        # the admin at home, through the same proxy, still signs in
        response = _sign_in(client, world.admin.email, PASSWORD, forwarded="198.51.100.2")
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(world.admin.pk)

    def test_a_forged_header_does_not_escape_the_lockout(self, client, world, behind_nginx):
        for attempt in range(5):
            _sign_in(client, world.admin.email, "guess", f"192.0.2.{attempt}, 203.0.113.7")
        locked = _sign_in(client, world.admin.email, PASSWORD, "192.0.2.99, 203.0.113.7")
        assert locked.status_code == 429


class TestPasswordSpraying:
    @pytest.fixture
    def accounts(self, world):
        return [factories.AdvisorFactory(school=world.school) for _ in range(4)]

    def test_one_address_trying_many_accounts_is_paused(
        self, client, world, accounts, behind_nginx
    ):
        behind_nginx.AXES_ADDRESS_FAILURE_LIMIT = 4
        for person in accounts:  # one guess at each account: no account reaches its limit
            _sign_in(client, person.email, "Summer2026!", forwarded="203.0.113.7")
        paused = _sign_in(client, world.advisor.email, PASSWORD, forwarded="203.0.113.7")
        assert paused.status_code == 429
        assert "Too many failed sign-in attempts" in paused.content.decode()
        assert "_auth_user_id" not in client.session
        # everybody else keeps signing in
        response = _sign_in(client, world.advisor.email, PASSWORD, forwarded="198.51.100.2")
        assert response.status_code == 302

    def test_below_the_address_limit_people_sign_in(self, client, world, accounts, behind_nginx):
        behind_nginx.AXES_ADDRESS_FAILURE_LIMIT = 5
        for person in accounts:
            _sign_in(client, person.email, "mistyped", forwarded="203.0.113.7")
        response = _sign_in(client, world.advisor.email, PASSWORD, forwarded="203.0.113.7")
        assert response.status_code == 302


class TestPasswordResetRequests:
    @pytest.fixture
    def limited(self, behind_nginx):
        behind_nginx.CACHES = LOCAL_MEMORY
        behind_nginx.PASSWORD_RESET_RATE = "3/h"
        cache.clear()  # the counts of the test before, in the same local memory
        return behind_nginx

    def _ask(self, client, world, forwarded):
        return client.post(
            reverse("password_reset"),
            {"email": world.guardian.email},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    def test_past_the_rate_an_address_is_told_kindly_with_429(self, client, world, limited):
        for _attempt in range(3):
            assert self._ask(client, world, "203.0.113.7").status_code == 302
        refused = self._ask(client, world, "203.0.113.7")
        assert refused.status_code == 429
        page = refused.content.decode()
        assert "Too many requests" in page
        assert "Wait a while" in page
        # another family behind the same proxy still asks for their link
        assert self._ask(client, world, "198.51.100.2").status_code == 302

    def test_showing_the_form_is_not_counted(self, client, world, limited):
        for _attempt in range(5):
            assert client.get(reverse("password_reset"), REMOTE_ADDR=PROXY).status_code == 200
        assert self._ask(client, world, "203.0.113.7").status_code == 302

    def test_mentors_sign_in_links_are_limited_the_same_way(self, client, world, limited):
        url = reverse("internships:portal-sign-in")
        data = {"email": world.mentor.email}
        meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
        for _attempt in range(3):
            assert client.post(url, data, **meta).status_code == 200
        assert client.post(url, data, **meta).status_code == 429
