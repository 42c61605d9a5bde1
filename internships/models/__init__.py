"""The internships app's models: the directory of sites and mentors, placements and their
daily logs, visits, evaluations and messages, and the mentors' sign-in links."""

from internships.models.directory import (
    CareerCluster,
    HoursTarget,
    Mentor,
    Opportunity,
    Site,
)
from internships.models.logs import DailyLog
from internships.models.placements import (
    Exploration,
    Message,
    Placement,
    PlacementEvent,
    may_propose,
)
from internships.models.portal import PORTAL_ROLES, SignInLink, can_use_portal, link_minutes
from internships.models.visits import (
    RUBRIC_KEYS,
    RUBRIC_LEVELS,
    WORKPLACE_QUALITIES,
    Evaluation,
    SiteVisit,
)

__all__ = [
    "PORTAL_ROLES",
    "RUBRIC_KEYS",
    "RUBRIC_LEVELS",
    "WORKPLACE_QUALITIES",
    "CareerCluster",
    "DailyLog",
    "Evaluation",
    "Exploration",
    "HoursTarget",
    "Mentor",
    "Message",
    "Opportunity",
    "Placement",
    "PlacementEvent",
    "SignInLink",
    "Site",
    "SiteVisit",
    "can_use_portal",
    "link_minutes",
    "may_propose",
]
