"""Authentication backend that loads a person's school and student profile with them."""

import functools
import hashlib
import time

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from bigpicture.selectors import lasting_number, school_version

# How long a signed-in person stays cached between two changes (see ``EmailBackend.get_user``).
USER_CACHE_SECONDS = 300


ENTRY_SHAPE = 3  # what an entry holds: (school id, generation, person)


@functools.cache
def entry_format() -> str:
    """Part of the key: the entry's shape, Django's version and the fields of the models a
    cached person carries, so that a release that changes any of them never reads an entry
    an older one wrote."""
    models = (get_user_model(), apps.get_model("bigpicture", "School"))
    models += (apps.get_model("students", "Student"),)
    fields = ",".join(f"{m._meta.label}.{f.attname}" for m in models for f in m._meta.fields)
    raw = f"{ENTRY_SHAPE}:{django.get_version()}:{fields}"
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def user_cache_key(user_id) -> str:
    return f"bigpicture:user:{user_id}:{entry_format()}"


def user_generation_key(user_id) -> str:
    return f"bigpicture:user:{user_id}:generation"


def forget_user(user_id) -> None:
    """Retire a person's cached copy now, and again once the transaction commits.

    Each copy is stored with the person's generation as it was read *before* the database;
    a new generation retires every copy made earlier, including one a request running
    meanwhile read before the change committed and stores after it.
    """

    def retire():
        cache.set(user_generation_key(user_id), time.time_ns(), None)

    retire()
    transaction.on_commit(retire, robust=True)


def personal_caching() -> bool:
    """Whether the signed-in person and their pages may be cached (``PERSONAL_CACHE``).

    Only with a cache every web process shares: with local memory, a change made in one
    process would not retire the copies in the others.
    """
    return settings.PERSONAL_CACHE


class EmailBackend(ModelBackend):
    """Sign in by email, case-insensitively; load the school with the person."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in person, with their school and student profile, read once per change.

        Every request needs them, so they are cached: each entry holds the school's version
        (``school_version``) and the person's generation (``forget_user``) as they were
        before the row was read, and is used only while both still hold. Saving the person,
        their student profile or their school retires the entry at once
        (``bigpicture.signals``), so a new password, a deactivation or a new language is
        never served stale. ``cache_stamp`` marks this reading of the person: pages cached
        whole for them (``bigpicture.pagecache``) are keyed on it. Only with a shared cache
        (``personal_caching``).
        """
        if not personal_caching():
            user = self._read(user_id)
            return user if user is not None and self.user_can_authenticate(user) else None
        key, generation_key = user_cache_key(user_id), user_generation_key(user_id)
        found = cache.get_many([key, generation_key])
        generation, cached = found.get(generation_key), found.get(key)
        if generation is None:  # never stored, or lost: a new one, never None
            generation = lasting_number(generation_key)
        # The versions are read before the row, so that a change committing meanwhile
        # leaves this copy stale at once. The school is the one the last copy named; if
        # there was none, or the person moved, the row is read again after its version.
        guess = cached[0] if cached is not None else None
        version = school_version(guess)
        if cached is not None:
            _school_id, stored_generation, user = cached
            if stored_generation == generation and user.school_version_read == version:
                return user if self.user_can_authenticate(user) else None
        user = self._read(user_id)
        if user is not None and user.school_id != guess:
            version = school_version(user.school_id)
            user = self._read(user_id)
        if user is None:
            return None
        user.cache_stamp = time.time_ns()
        # The school's version as this request first read it; pages reuse it for their key.
        user.school_version_read = version
        cache.set(key, (user.school_id, generation, user), USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None

    def _read(self, user_id):
        people = get_user_model()._default_manager.select_related("school", "student_profile")
        try:
            return people.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None


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
