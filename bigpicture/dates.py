"""The span of days a school's records may sensibly hold, around today.

Every date a person types is checked against it, so that a slip of the keyboard (year 0001,
or 9999) is told next to its field instead of being stored, or failing later in arithmetic
(an hour after 9999-12-31 23:30 does not exist). Narrower rules (an event in a term, progress
in its plan's term) come on top, in the services.
"""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

YEARS_BACK = 10  # history a school may still enter (a year, a term, a past internship)
YEARS_AHEAD = 5  # planning ahead: a school year, an internship, a background check's expiry


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


def sensible_span(today: date) -> tuple[date, date]:
    """The first and the last day a record may fall on, seen from today."""
    return _years_from(today, -YEARS_BACK), _years_from(today, YEARS_AHEAD)


def span_errors(today: date, **days: date | None) -> dict[str, str]:
    """An error by each named day (None is skipped) that falls outside the sensible span."""
    first, last = sensible_span(today)
    outside = [name for name, day in days.items() if day is not None and not first <= day <= last]
    if not outside:
        return {}
    message = _("Choose a date between %(first)s and %(last)s.") % {
        "first": formats.date_format(first),
        "last": formats.date_format(last),
    }
    return dict.fromkeys(outside, message)
