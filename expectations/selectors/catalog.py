"""The expectations as a school words them, and the terms students reflect in."""

from datetime import date

from django.utils import translation

from bigpicture.models import Term
from expectations.models import Expectation, ReflectionWindow, SchoolExpectation, Wording, due_on


def wordings(school_id: int, *, active_only: bool = True, language: str | None = None):
    """The ten expectations in a school's words and a language (the active one by default),
    in their order; without the ones the school switched off unless ``active_only`` is
    False. Two queries."""
    language = language or translation.get_language() or "en"
    own = {row.expectation_id: row for row in SchoolExpectation.objects.filter(school_id=school_id)}
    return [
        Wording(expectation, own.get(expectation.pk), language)
        for expectation in Expectation.objects.all()
        if not active_only or getattr(own.get(expectation.pk), "is_active", True)
    ]


def term_due(term: Term) -> date:
    """The last day a term's reflections may be written or changed (one query)."""
    return due_on(term, ReflectionWindow.objects.filter(term_id=term.pk).first())
