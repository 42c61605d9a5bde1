"""A placement's days as table rows, made in one pass for the days page.

Seven cells a row and up to a page of days: a template tag per cell (a look-up, its
escaping, an ``if``) cost more than the rest of the page. Here the words and formats are
read once per page (the language, the labels) and each row is one string: every value from
a person escaped (``html.escape``; the free texts through ``lines``, which escapes them),
the markup the page's own. The same HTML as the template it replaces.
"""

from html import escape

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from bigpicture.links import link
from bigpicture.templatetags.shown import day_in, hours_in, lines
from internships.models import DailyLog

CLAIMED = DailyLog.Review.CLAIMED
REVIEW_BADGES = {DailyLog.Review.CONFIRMED: "success", DailyLog.Review.DISPUTED: "danger"}
DASH = "—"


def _text(value) -> str:
    """A value as HTML text: escaped, unless it is HTML already (``lines``' output)."""
    return value if isinstance(value, SafeString) else escape(str(value))


class DayRows:
    """The days of one page as rows, for a viewer who is the intern, the mentor or neither
    (who then has no actions column)."""

    def __init__(self, is_intern: bool, is_mentor: bool):
        self.is_intern, self.is_mentor = is_intern, is_mentor
        self.language = get_language()
        self.not_out = escape(gettext("Not checked out"))
        self.confirmed = gettext("%(hours)s h confirmed")
        self.correct, self.check_out = escape(gettext("Correct")), escape(gettext("Check out"))
        self.confirm = escape(gettext("Confirm or dispute"))
        self.change = escape(gettext("Change my review"))

    def row(self, day) -> SafeString:
        language, checked_out, review = self.language, day["checked_out"], day["review"]
        on_day = escape(day_in(day["on"], "DATE_FORMAT", language))
        if checked_out:
            did = lines(day["did"])
            if day["reflection"]:
                reflection = lines(day["reflection"])
                did = f'{did}<div class="small text-body-secondary">{reflection}</div>'
            ratings = escape(self.ratings(day))
        else:
            did = f'<span class="badge text-bg-light">{self.not_out}</span>'
            ratings = DASH
        hours = DASH if day["hours"] is None else escape(hours_in(day["hours"], language))
        weekday = escape(day_in(day["on"], "D", language))
        return mark_safe(  # noqa: S308 - every value escaped above
            f'<tr><th scope="row">{weekday} {on_day}</th><td>{lines(day["goal"])}</td>'
            f"<td>{did}</td><td>{hours}</td><td>{ratings}</td>"
            f"<td>{self.review(day, review, checked_out)}</td>"
            f"{self.action(day, review, checked_out, on_day)}</tr>"
        )

    @staticmethod
    def ratings(day) -> str:
        ratings = [day[column] for column in ("learning", "engagement", "support")]
        if all(
            rating is None or (type(rating) is int and 0 <= rating < 1000) for rating in ratings
        ):
            # As {{ rating }} shows it: no grouping below a thousand (the ratings are 1-5).
            return " · ".join(str(rating) for rating in ratings)
        return " · ".join(str(localize(rating)) for rating in ratings)

    def review(self, day, review, checked_out) -> str:
        """The mentor's review: its badge, the hours confirmed, the mentor's comment."""
        parts = []
        badge = REVIEW_BADGES.get(review, "secondary" if checked_out else "")
        if badge:
            label = _text(day["review_label"])
            parts.append(f'<span class="badge text-bg-{badge}">{label}</span>')
        if day["confirmed_hours"] is not None:
            hours = hours_in(day["confirmed_hours"], self.language)
            parts.append(f'<div class="small">{escape(self.confirmed % {"hours": hours})}</div>')
        if day["mentor_comment"]:
            parts.append(f'<div class="small">{lines(day["mentor_comment"])}</div>')
        return "\n".join(parts)

    def action(self, day, review, checked_out, on_day: str) -> str:
        """The actions cell: the intern's check-out or correction, the mentor's review."""
        if not (self.is_intern or self.is_mentor):
            return ""
        if self.is_intern and review == CLAIMED:
            url = link("internships:log-check-out", day["pk"])
            text = self.correct if checked_out else self.check_out
        elif self.is_mentor and checked_out:
            url = link("internships:log-review", day["pk"])
            text = self.confirm if review == CLAIMED else self.change
        else:
            return "<td></td>"
        return (
            f'<td><a class="btn btn-sm btn-outline-primary" href="{escape(url)}">{text}'
            f'<span class="visually-hidden"> {on_day}</span></a></td>'
        )
