"""The expectations as a school words them, and the terms students reflect in."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.db.models import FilteredRelation, Q
from django.utils import translation

from bigpicture.models import SchoolYear, Term
from bigpicture.prepared import prepared
from expectations.models import Expectation, ReflectionWindow, SchoolExpectation, Wording, due_on
from expectations.models.catalog import WORDING_FIELDS

# Both languages of every wording field: name, name_es, question, question_es, ...
WORDS = tuple(field for name in WORDING_FIELDS for field in (name, f"{name}_es"))
EXPECTATION_COLUMNS = ("pk", "number", "key", *WORDS)
OWN_COLUMNS = ("expectation_id", "is_active", *WORDS)


@prepared
def _catalog_rows(school: int):
    """The ten expectations in their order, in Big Picture's words, each with the school's
    own row beside it (its wording, and whether its students reflect on it), if any."""
    own = FilteredRelation("wordings", condition=Q(wordings__school_id=school))
    expectations = Expectation.objects.annotate(own=own).order_by("number")
    return expectations.values_list(*EXPECTATION_COLUMNS, *(f"own__{c}" for c in OWN_COLUMNS))


def _catalog(school_id: int, language: str | None):
    """Each expectation in order (its values) with the school's own row (or None) and the
    language's wording (one prepared read: pages show these on every visit)."""
    language = language or translation.get_language() or "en"
    width = len(EXPECTATION_COLUMNS)
    for row in _catalog_rows(school_id):
        expectation = SimpleNamespace(**dict(zip(EXPECTATION_COLUMNS, row[:width], strict=True)))
        mine = None
        if row[width] is not None:
            mine = SimpleNamespace(**dict(zip(OWN_COLUMNS, row[width:], strict=True)))
        yield expectation, mine, Wording(expectation, mine, language)


@prepared
def _names(school: int):
    """Each expectation's key and names (Big Picture's, the school's), in both languages."""
    own = FilteredRelation("wordings", condition=Q(wordings__school_id=school))
    expectations = Expectation.objects.annotate(own=own).order_by("number")
    return expectations.values_list("key", "name", "name_es", "own__name", "own__name_es")


def expectation_names(school_id: int, language: str | None = None) -> dict[str, str]:
    """Each expectation's name in a school's words and a language, by key, switched off or
    not: what sentences about a student's signals name (one prepared read)."""
    spanish = (language or translation.get_language() or "en").startswith("es")
    return {
        key: (own_es or name_es) if spanish else (own or name)
        for key, name, name_es, own, own_es in _names(school_id)
    }


def catalog_wordings(school_id: int, language: str | None = None) -> list[tuple[Wording, bool]]:
    """The ten expectations in a school's words and a language, each with whether its
    students reflect on it now (one query)."""
    return [
        (wording, getattr(own, "is_active", True))
        for _expectation, own, wording in _catalog(school_id, language)
    ]


def wordings(school_id: int, *, active_only: bool = True, language: str | None = None):
    """The ten expectations in a school's words and a language (the active one by default),
    in their order; without the ones the school switched off unless ``active_only`` is
    False. One query."""
    rows = catalog_wordings(school_id, language)
    return [wording for wording, is_active in rows if is_active or not active_only]


@dataclass(frozen=True)
class CatalogRow:
    """One expectation on the school's wording page: both languages and whether it is on."""

    pk: int
    number: int
    english: Wording
    spanish: Wording
    is_active: bool
    reworded: bool


def school_catalog(school_id: int) -> list[CatalogRow]:
    """The ten expectations as a school words them in English and Spanish, switched on or
    off, for its admins (one query)."""
    return [
        CatalogRow(
            pk=expectation.pk,
            number=expectation.number,
            english=english,
            spanish=Wording(expectation, own, "es"),
            is_active=getattr(own, "is_active", True),
            reworded=own is not None,
        )
        for expectation, own, english in _catalog(school_id, "en")
    ]


def school_wording(school_id: int, expectation: Expectation) -> SchoolExpectation:
    """A school's own row for an expectation, or a new unsaved one (one query)."""
    own = SchoolExpectation.objects.filter(school_id=school_id, expectation=expectation).first()
    return own or SchoolExpectation(school_id=school_id, expectation=expectation)


def term_due(term: Term) -> date:
    """The last day a term's reflections may be written or changed (one query)."""
    return due_on(term, ReflectionWindow.objects.filter(term_id=term.pk).first())


@dataclass(frozen=True)
class TermDue:
    """A term with the last day its reflections may be written, and whether an admin set it."""

    term: Term
    due: date
    is_set: bool


def terms_with_due(year: SchoolYear | None) -> list[TermDue]:
    """A school year's terms in order, each with its reflections' due date (one query)."""
    if year is None:
        return []
    terms = Term.objects.filter(school_year=year).select_related("reflection_window")
    return [_with_due(term) for term in terms.order_by("start_date")]


def _with_due(term: Term) -> TermDue:
    window = getattr(term, "reflection_window", None)
    return TermDue(term=term, due=due_on(term, window), is_set=window is not None)
