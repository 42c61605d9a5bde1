"""The reminder mechanism every app plugs into: rules, the messages they draft, the kinds.

Each app owns its rules in its own ``reminders.py`` and registers them here; the outbox
(``bigpicture.notifications``) is the only path by which any of them reaches a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from bigpicture.access import ADMIN, ALL_ROLES, GUARDIAN

if TYPE_CHECKING:
    from bigpicture.models import Notification


@dataclass(frozen=True)
class Kind:
    """A kind of message a person chooses how to receive (at once, daily, or not by email)."""

    key: str
    label: str
    safety_critical: bool = False  # cannot be switched off
    default: str = "now"
    hidden: bool = False  # not a choice people make
    # The roles its rules write to: a person is offered the kinds that can reach them. A
    # rule's recipients must hold one of its kind's roles (tests/bigpicture/test_issue15_small).
    roles: frozenset[str] = ALL_ROLES

    def reaches(self, roles: set[str]) -> bool:
        return bool(self.roles & roles)


KINDS = {
    kind.key: kind
    for kind in (
        Kind("account", _("Your account: invitations and password links"), safety_critical=True),
        Kind(
            "school",
            _("Running the school: placements and advisory sizes"),
            roles=frozenset({ADMIN}),
        ),
        Kind(
            "progress",
            _("A weekly summary of each child's progress"),
            default="off",
            roles=frozenset({GUARDIAN}),
        ),
        # Anyone may be invited to a plan meeting or sit on an exhibition's panel.
        Kind("learning", _("Learning plans, meetings and exhibitions")),
        # An admin may propose a student's internship, and hears of its steps.
        Kind("internships", _("Internships: consent, hours, mentors and messages")),
        Kind("digest", _("The daily email"), safety_critical=True, hidden=True),
    )
}


@dataclass(frozen=True)
class Draft:
    """One message a rule wants sent: to whom, about what, on which occasion."""

    recipient_id: int
    school_id: int | None
    subject_key: str  # e.g. "student:42": what the message is about, for the outbox key
    subject: str  # what it is about, as people read it
    occasion: str  # e.g. a date: the same occasion is never sent twice
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    key: str
    kind: str
    label: str
    description: str
    days_label: str = ""  # what the tunable number of days means; empty: nothing to tune
    default_days: int | None = None
    max_days: int = 365
    default_enabled: bool = True
    # For periodic rules: (school, today, days) -> drafts. Event rules have no scan.
    scan: Callable[..., Iterable[Draft]] | None = None
    # Fresh values for the message at the moment it is sent (links with tokens, say).
    live_context: Callable[..., dict] | None = None
    # Files sent with the message, made at send time: (filename, content, mimetype) each.
    attachments: Callable[[Notification], list[tuple[str, bytes | str, str]]] | None = None

    @property
    def template(self) -> str:
        return f"notifications/email/{self.key}"

    @property
    def safety_critical(self) -> bool:
        return KINDS[self.kind].safety_critical

    def key_for(self, draft: Draft) -> str:
        return f"{self.key}:{draft.subject_key}:user:{draft.recipient_id}:{draft.occasion}"[:255]


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.kind not in KINDS:
        raise ValueError(f"Unknown kind of message: {rule.kind}")
    RULES[rule.key] = rule
    return rule


def periodic_rules() -> list[Rule]:
    return [rule for rule in RULES.values() if rule.scan is not None]


def week_of(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# The daily email that bundles what a person chose to get once a day (bigpicture/reminders.py).
DIGEST_RULE = "daily_digest"


class NothingToSend(Exception):
    """Raised while rendering when the message has nothing left to say (and is skipped)."""
