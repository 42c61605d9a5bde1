"""Reads behind the core pages: the current year and term, the people directory."""

from django.core.cache import cache
from django.db.models import Q
from django.templatetags.i18n import language_name_translated

from bigpicture.access import ADMIN, ROLE_FIELDS
from bigpicture.links import link
from bigpicture.models import School, SchoolYear, Term, User
from bigpicture.models.core import ROLE_LABELS
from bigpicture.prepared import Rows, prepared

YEAR_CACHE_SECONDS = 60
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


# What the directory shows of each person: name, email, roles, language, status.
PERSON_ROW = (
    *("first_name", "last_name", "email", "language", "is_active", "is_superuser"),
    *ROLE_FIELDS.values(),
)


def _people_of(school: int):
    people = User.objects.filter(school_id=school)
    return people.order_by("last_name", "first_name", "pk").values_list("pk", *PERSON_ROW)


def _people_holding(field: str):
    """The directory's read of the people holding one role (its flag ``field``)."""

    def people(school: int):
        return _people_of(school).filter(**{field: True})

    people.__qualname__ = f"people_in[{field}]"
    return prepared(people)


_PEOPLE = prepared(_people_of)
_PEOPLE_HOLDING = {role: _people_holding(field) for role, field in ROLE_FIELDS.items()}


def people_in(school: School, *, search: str = "", role: str = ""):
    """People of a school for the admin's directory, filtered by a search and a role: rows
    of ``pk`` and ``PERSON_ROW`` (made into ``PersonRow`` by ``person_rows`` once the page is
    cut). Prepared (``Rows``) but for a search, whose words make each query another."""
    if not search.split():
        return Rows(_PEOPLE_HOLDING.get(role, _PEOPLE), school.pk)
    people = User.objects.filter(school=school)
    if role in ROLE_FIELDS:
        people = people.filter(**{ROLE_FIELDS[role]: True})
    for word in search.split():
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return people.order_by("last_name", "first_name", "pk").values_list("pk", *PERSON_ROW)


class PersonRow:
    """A person as the directory shows them: plain attributes, each worked out once."""

    __slots__ = ("email", "is_active", "language_name", "name", "pk", "roles", "url")

    def __init__(self, pk, url, name, email, roles, language_name, is_active):
        self.pk, self.url, self.name, self.email = pk, url, name, email
        self.roles, self.language_name, self.is_active = roles, language_name, is_active


def person_rows(rows) -> list[PersonRow]:
    """A page of ``people_in`` as the directory shows it: the name, email, roles (as
    ``User.get_roles_display``) and language name, each label translated once a page."""
    role_labels = [(role, str(label)) for role, label in ROLE_LABELS]
    language_names, shown = {}, []
    for pk, first, last, email, language, is_active, is_superuser, *flags in rows:
        held = {role for role, flag in zip(ROLE_FIELDS, flags, strict=True) if flag}
        if is_superuser:
            held.add(ADMIN)  # as ``access.roles_of``
        name = language_names.get(language)
        if name is None:
            name = language_names[language] = language_name_translated(language)
        shown.append(
            PersonRow(
                pk,
                link("bigpicture:person-update", pk),
                f"{first} {last}".strip(),  # as ``User.get_full_name``
                email,
                ", ".join(label for role, label in role_labels if role in held),
                name,
                is_active,
            )
        )
    return shown


def school_admin_ids(school: School) -> list[int]:
    """The ids of a school's active admins (who hear of what the whole school must know)."""
    admins = User.objects.with_role(ADMIN).filter(school=school, is_active=True)
    return list(admins.values_list("pk", flat=True))
