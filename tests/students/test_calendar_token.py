"""The private calendar address: only a hash of its secret is stored, the address is shown
once (when made or made anew), a new one closes the old, and addresses made before the
secrets were hashed keep working."""

import hashlib
import importlib
import re

from django.apps import apps
from django.urls import reverse

from students.models import CalendarFeed

FEED_LINK = re.compile(r"/students/calendar/([A-Za-z0-9_-]+)\.ics")


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_on(response) -> str | None:
    found = FEED_LINK.search(response.content.decode())
    return found.group(1) if found else None


def stored(person) -> list:
    return list(CalendarFeed.objects.filter(person=person).values().get().values())


class TestTheSecret:
    def test_only_its_hash_is_stored(self, client_as, world):
        token = token_on(client_as("mentor").get(reverse("students:calendar")))
        assert token and len(token) >= 43  # 32 random bytes
        assert token not in stored(world.mentor)
        assert sha256(token) in stored(world.mentor)

    def test_the_address_is_shown_once_and_keeps_working(self, client_as, client, world):
        signed_in = client_as("guardian")
        first = signed_in.get(reverse("students:calendar"))
        token = token_on(first)
        assert "no-store" in first["Cache-Control"]
        again = signed_in.get(reverse("students:calendar"))
        assert again.status_code == 200
        assert token_on(again) is None
        assert token not in again.content.decode()
        signed_in.logout()
        assert client.get(reverse("students:calendar-feed", args=[token])).status_code == 200

    def test_a_new_address_is_shown_once_and_closes_the_old_one(self, client_as, client, world):
        signed_in = client_as("guardian")
        old = token_on(signed_in.get(reverse("students:calendar")))
        response = signed_in.post(reverse("students:calendar-reset"))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        new = token_on(response)
        assert new and new != old
        assert sha256(new) in stored(world.guardian)
        assert token_on(signed_in.get(reverse("students:calendar"))) is None
        signed_in.logout()
        assert client.get(reverse("students:calendar-feed", args=[old])).status_code == 404
        assert client.get(reverse("students:calendar-feed", args=[new])).status_code == 200

    def test_a_person_without_an_address_can_make_one_with_the_button(self, client_as, world):
        response = client_as("student").post(reverse("students:calendar-reset"))
        token = token_on(response)
        assert sha256(token) in stored(world.student.user)

    def test_a_stored_hash_is_no_address(self, client_as, client, world):
        token = token_on(client_as("guardian").get(reverse("students:calendar")))
        client.logout()
        url = reverse("students:calendar-feed", args=[sha256(token)])
        assert client.get(url).status_code == 404


class TestTheMigration:
    def test_addresses_made_before_keep_working(self, client, world):
        """The data migration hashes the plain secrets in place, so old links still open."""
        migration = importlib.import_module("students.migrations.0007_calendar_feed_token_hash")
        plain = "an-address-made-before-the-secrets-were-hashed-000"
        CalendarFeed.objects.create(person=world.guardian, token_hash=plain)
        migration.hash_tokens(apps, None)
        assert stored(world.guardian).count(sha256(plain)) == 1
        assert client.get(reverse("students:calendar-feed", args=[plain])).status_code == 200
