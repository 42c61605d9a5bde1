"""Values as the pages show them, worked out once per value, format and language rather than
once per row: a table of school days shows the same few dates and hour counts to everybody,
page after page, and formatting one is a dozen calls where looking it up is one.

- ``{{ value|day:"DATE_FORMAT" }}``: a date as ``|date`` shows it.
- ``{{ value|when:"SHORT_DATETIME_FORMAT" }}``: a moment as ``|date`` shows it, in the
  current time zone (a meeting's or an exhibition's start).
- ``{{ value|hours }}``: hours as ``|floatformat:"-2"`` shows them (3.50, 4).
"""

import html
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat, linebreaksbr
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=4096)
def _day(value: date, arg: str, language: str | None) -> str:
    return date_filter(value, arg)  # in ``language``, the one active now


@lru_cache(maxsize=4096)
def _hours(value: Decimal, language: str | None) -> str:
    return floatformat(value, "-2")  # in ``language``, the one active now


@lru_cache(maxsize=4096)
def _when(value: datetime, zone: tuple, arg: str, language: str | None) -> str:
    return date_filter(value, arg)  # ``value`` in ``zone``, in ``language``, both active now


@register.filter
def day(value, arg: str = "DATE_FORMAT") -> str:
    return day_in(value, arg, get_language())


def day_in(value, arg: str, language: str | None) -> str:
    """``day`` with the active language read once by the caller (for the rows of a page
    formatted in its view, rather than a read of the language per row)."""
    if type(value) is date:
        return _day(value, arg, language)
    return date_filter(template_localtime(value), arg)


@register.filter
def when(value, arg: str = "DATETIME_FORMAT") -> str:
    value = template_localtime(value)
    if type(value) is datetime and value.tzinfo is not None:
        # The zone by name and offset too: one moment reads differently in two zones (and
        # an hour repeated when the clocks go back is two moments of one zone).
        zone = (str(value.tzinfo), value.utcoffset())
        return _when(value, zone, arg, get_language())
    return date_filter(value, arg)


@register.filter(is_safe=True)
def hours(value) -> str:
    return hours_in(value, get_language())


def hours_in(value, language: str | None) -> str:
    """``hours`` with the active language read once by the caller (see ``day_in``)."""
    if type(value) is Decimal:
        return _hours(value, language)
    return floatformat(value, "-2")


def lines(value) -> SafeString:
    """``{{ value|linebreaksbr }}`` (autoescaped) of a plain str, made in one go rather than
    through the filter's lazy wrappers: for the many text cells of a page's rows."""
    if type(value) is not str:
        return linebreaksbr(value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return SafeString(html.escape(value).replace("\n", "<br>"))
