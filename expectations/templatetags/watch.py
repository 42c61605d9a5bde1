"""The students who need a check-in, as list items made in one pass: the advisor's home
shows them at every visit. Every value escaped; the words read once per list.
``{% watch_items rows %}`` in ``expectations/_needs_check_in.html``.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

BADGES = {"act": "text-bg-danger", "watch": "text-bg-warning"}


@register.simple_tag
def watch_items(rows) -> SafeString:
    """Each row of ``expectations.selectors.engagement.needs_check_in``: the student, their
    status, the link to a check-in and the open reasons in words."""
    record = escape(gettext("Record a check-in"))
    return mark_safe("\n".join(_item(row, record) for row in rows))  # noqa: S308 - escaped


def _item(row, record: str) -> str:
    reasons = "".join(
        f'<li class="text-break">{escape(str(reason))}</li>' for reason in row.reasons
    )
    return (
        '<li class="list-group-item">'
        '<div class="d-flex justify-content-between align-items-start flex-wrap gap-2"><div>'
        f'<a class="fw-semibold text-break" href="{escape(row.url)}">{escape(row.name)}</a> '
        f'<span class="badge {BADGES.get(row.status, "text-bg-warning")}">'
        f"{escape(str(row.status_label))}</span></div>"
        f'<a class="btn btn-sm btn-outline-primary" href="{escape(row.check_in_url)}">{record}'
        f'<span class="visually-hidden"> · {escape(row.name)}</span></a></div>'
        f'<ul class="mb-0 mt-1 ps-3 small">{reasons}</ul></li>'
    )
