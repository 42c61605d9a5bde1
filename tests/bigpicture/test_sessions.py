"""Sessions: the database row is the session, the cache holds a copy five minutes at most.

A sign-out while Redis could not be reached deletes the row but not the cached copy (the
cache is skipped while it is down): that copy must not sign the person in again for the rest
of the session's twelve hours once Redis is back.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from bigpicture import sessions


def test_the_app_uses_the_short_lived_cached_sessions():
    assert settings.SESSION_ENGINE == "bigpicture.sessions"


@pytest.mark.django_db
def test_a_copy_left_in_the_cache_by_a_sign_out_without_it_lasts_five_minutes(
    client, world, settings
):
    # A cache on this process's clock, which the test moves (Redis keeps its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.force_login(world.advisor)
    assert client.get(reverse("bigpicture:home")).status_code == 200
    # Signed out while the cache could not be reached: the row is gone, the copy stays.
    Session.objects.all().delete()
    assert client.get(reverse("bigpicture:home")).status_code == 200  # read from the copy
    with time_machine.travel(timezone.now() + timedelta(seconds=sessions.CACHED_SECONDS + 1)):
        assert client.get(reverse("bigpicture:home")).status_code == 302  # to sign in


def test_writes_are_capped_and_reads_pass_through():
    cache = caches["default"]  # Redis in CI, where the key's time to live is read back
    short = sessions._ShortLived(cache)
    short.set("bigpicture-test-session", "x", 12 * 60 * 60)
    assert short.get("bigpicture-test-session") == "x"
    if hasattr(cache, "ttl"):
        assert 0 < cache.ttl("bigpicture-test-session") <= sessions.CACHED_SECONDS
    assert sessions._capped(12 * 60 * 60) == sessions.CACHED_SECONDS
    assert sessions._capped(60) == 60
    assert sessions._capped(None) == sessions.CACHED_SECONDS
    short.delete("bigpicture-test-session")
