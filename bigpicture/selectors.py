"""Reads behind the core pages: home sections, the school overview, the people list."""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.middleware.csrf import get_token
from django.utils import translation

from advisories.models import Advisory, Membership
from bigpicture.models import School, SchoolYear, Term, User
from students.models import Student

UNPLACED_SHOWN = 25
OVER_CAPACITY_SHOWN = 50


YEAR_CACHE_SECONDS = 300
NO_YEAR = "none"


def year_cache_key(school_id: int) -> str:
    return f"bigpicture:school:{school_id}:current-year"


def current_year(school: School | None) -> SchoolYear | None:
    """The school year running now in a school (or the nearest one), cached for a while.

    Nearly every page needs it and it changes once a year; adding a year clears the cache.
    """
    if school is None:
        return None
    key, today = year_cache_key(school.pk), school.today()
    cached = cache.get(key)
    if cached is not None and cached[0] == today:
        return None if cached[1] == NO_YEAR else cached[1]
    year = SchoolYear.objects.current_for(school, today=today)
    cache.set(key, (today, year or NO_YEAR), YEAR_CACHE_SECONDS)
    return year


def term_cache_key(school_id: int) -> str:
    return f"bigpicture:school:{school_id}:current-term"


def current_term(school: School | None) -> Term | None:
    """The term running now in a school (or the nearest one), cached like the year."""
    if school is None:
        return None
    key, today = term_cache_key(school.pk), school.today()
    cached = cache.get(key)
    if cached is not None and cached[0] == today:
        return None if cached[1] == NO_YEAR else cached[1]
    term = Term.objects.current_for(school, today=today)
    cache.set(key, (today, term or NO_YEAR), YEAR_CACHE_SECONDS)
    return term


def with_year_levels(students, year: SchoolYear | None):
    """Attach each student's year level (101-401) for the given school year."""
    students = list(students)
    for student in students:
        student.year_level = year.year_level(student.graduating_class) if year else None
    return students


OVERVIEW_CACHE_SECONDS = 120


def school_version_key(school_id: int) -> str:
    return f"bigpicture:school:{school_id}:version"


FRAGMENT_CACHE_SECONDS = 300


def school_version(school_id: int | None) -> int:
    """A number that changes whenever a service changes the school's data (see below).

    Should the cache lose it, a new number is drawn (never a fixed one), so that copies
    made under an earlier number can never come back.
    """
    if not school_id:
        return 0
    key = school_version_key(school_id)
    version = cache.get(key)
    return version if version is not None else lasting_number(key)


def lasting_number(key: str) -> int:
    """The number stored under a key that never expires, drawn anew if the cache lost it
    (never a fixed one, so that nothing stored under an earlier number can match it)."""
    drawn = time.time_ns()
    if cache.add(key, drawn, timeout=None):
        return drawn
    return cache.get(key) or drawn


def fragment_key(request) -> str:
    """What a cached fragment of a page varies on: the school's version, the viewer, their
    language, the school's date (year levels roll over with it) and the page's address.

    Pages wrap the parts that are costly to read and render (forms included) in
    ``{% cache fragment_seconds "name" fragment_key %}``; their views defer those reads
    (``SimpleLazyObject``), so a cached fragment costs neither queries nor rendering. A
    fragment is never shared between two people, so what it shows is always what its viewer
    may see.
    """
    if hasattr(request, "_fragment_key"):
        return request._fragment_key
    user = request.user
    school = getattr(user, "school", None)
    today = school.today() if school else None
    # The version the request read when it loaded the person (the same read, earlier).
    version = getattr(user, "school_version_read", None)
    if version is None:
        version = school_version(user.school_id)
    # Forms inside a fragment carry a CSRF token made from the browser's CSRF secret: the
    # secret is part of the key (hashed), so a cached form always posts with a valid token.
    get_token(request)  # makes sure the secret exists (every page's sign-out form needs it)
    csrf = hashlib.sha256(request.META.get("CSRF_COOKIE", "").encode()).hexdigest()[:16]
    request._fragment_key = ":".join(
        str(part)
        for part in (
            version,
            user.pk,
            translation.get_language(),
            today,
            csrf,
            request.get_full_path(),
        )
    )
    return request._fragment_key


def school_changed(school_id: int) -> None:
    """Drop a school's cached summaries and page fragments once the transaction commits.

    Every service that changes what a school's pages show calls this.
    """
    transaction.on_commit(
        lambda: cache.set(school_version_key(school_id), time.time_ns(), timeout=None),
        robust=True,
    )


def school_overview(school: School) -> dict:
    """The admin's view of a school, cached until the school's people or placements change.

    Every service that changes them calls ``school_changed``; edits made around the
    services (the back office) show within two minutes.
    """
    version = school_version(school.pk)
    key = f"bigpicture:school:{school.pk}:overview:{version}"
    overview = cache.get(key)
    if overview is None:
        overview = _school_overview(school)
        cache.set(key, overview, OVERVIEW_CACHE_SECONDS)
    return {**overview, "school": school}


def _school_overview(school: School) -> dict:
    """Per graduating class: advisories, seats and students placed; every advisory over
    capacity; the students without an advisory; head counts per role. A fixed number of
    aggregate queries at any size."""
    year = current_year(school)
    unplaced = Student.objects.filter(school=school).without_advisory().select_related("user")
    counts = User.objects.filter(school=school, is_active=True).aggregate(
        admins=Count("pk", filter=Q(is_school_admin=True)),
        advisors=Count("pk", filter=Q(is_advisor=True)),
        students=Count("pk", filter=Q(is_student=True)),
        guardians=Count("pk", filter=Q(is_guardian=True)),
        mentors=Count("pk", filter=Q(is_mentor=True)),
    )
    over_capacity = list(
        Advisory.objects.filter(school=school)
        .over_capacity()
        .select_related("advisor", "school")
        .order_by("graduating_class", "name")[:OVER_CAPACITY_SHOWN]
    )
    classes = _classes(school, year)
    return {
        "year": year,
        "classes": classes,
        "advisory_count": sum(c["advisories"] for c in classes),
        "seat_count": sum(c["seats"] for c in classes),
        "placed_count": sum(c["placed"] for c in classes),
        "over_capacity": over_capacity,
        "unplaced": with_year_levels(unplaced[:UNPLACED_SHOWN], year),
        "unplaced_count": unplaced.count(),
        "counts": counts,
    }


def _classes(school: School, year: SchoolYear | None) -> list[dict]:
    """Per graduating class: advisories, their seats, and the students now placed in them."""
    seats = (
        Advisory.objects.filter(school=school)
        .values("graduating_class")
        .annotate(
            advisories=Count("pk"),
            seats=Sum(Coalesce("capacity", Value(school.advisory_capacity))),
        )
        .order_by("graduating_class")
    )
    placed = dict(
        Membership.objects.current()
        .filter(advisory__school=school)
        .values_list("advisory__graduating_class")
        .annotate(n=Count("pk"))
    )
    return [
        {
            **row,
            "placed": placed.get(row["graduating_class"], 0),
            "year_level": year.year_level(row["graduating_class"]) if year else None,
        }
        for row in seats
    ]


def people_in(school: School, *, search: str = "", role: str = ""):
    """People of a school for the admin's directory, filtered by a search and a role."""
    from bigpicture.access import ROLE_FIELDS

    people = User.objects.filter(school=school)
    if role in ROLE_FIELDS:
        people = people.filter(**{ROLE_FIELDS[role]: True})
    for word in search.split():
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return people.order_by("last_name", "first_name", "pk")
