"""Links to a record's page without a walk of the URL patterns on every row.

``reverse()`` matches the URL patterns each time it is called; a table that links every row
pays for it once a row. ``link(name, pk)`` reverses the page once per URL configuration and
script prefix, with a marker in place of the number, and then only fills in each row's number:
the very URL ``reverse(name, args=[pk])`` gives, for the cost of a dictionary look-up.

Only for pages whose one argument is an integer (a primary key). In templates, the ``link``
filter: ``{{ student.pk|link:"students:plan-list" }}`` (``{% load links %}``).
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARK = 9_876_543_210  # stands in for the number while reversing; no table reaches it
_PATTERNS: dict[tuple[str, str, str], tuple[str, str]] = {}


def link(name: str, pk: int) -> str:
    """The URL of the page ``name`` for the integer ``pk``, as ``reverse(name, args=[pk])``."""
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    parts = _PATTERNS.get(key)
    if parts is None:
        head, _mark, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
        parts = _PATTERNS[key] = (head, tail)
    return f"{parts[0]}{int(pk)}{parts[1]}"
