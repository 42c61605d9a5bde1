"""Authentication backend that loads a person's school and student profile with them."""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from bigpicture.selectors import school_version

# How long a signed-in person stays cached between two changes (see ``EmailBackend.get_user``).
USER_CACHE_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"bigpicture:user:{user_id}"


def forget_user(user_id) -> None:
    """Drop a person from the cache now, and again once the transaction commits (a request
    running meanwhile may have cached the row as it was before the change)."""
    key = user_cache_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class EmailBackend(ModelBackend):
    """Sign in by email, case-insensitively; load the school with the person."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in person, with their school and student profile, read once per change.

        Every request needs them, so they are cached: each entry holds the school's version
        (``school_version``) it was read at and is used only while that version holds.
        Saving the person, their student profile or their school drops the entry at once
        (``bigpicture.signals``), so a new password, a deactivation or a new language is
        never served stale. ``cache_stamp`` marks this reading of the person: pages cached
        whole for them (``bigpicture.pages``) are keyed on it.
        """
        key = user_cache_key(user_id)
        cached = cache.get(key)
        if cached is not None:
            school_id, version, user = cached
            if version == school_version(school_id):
                return user if self.user_can_authenticate(user) else None
        people = get_user_model()._default_manager.select_related("school", "student_profile")
        try:
            user = people.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        user.cache_stamp = time.time_ns()
        cache.set(key, (user.school_id, school_version(user.school_id), user), USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def axes_username(request, credentials) -> str:
    """The account a sign-in attempt is for, as django-axes counts it: the email, lower-cased.

    Whichever form posted it (our sign-in page or the back office) and whatever its case,
    attempts at one account from one address count together.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("username", "")
    return (value or "").strip().lower()
