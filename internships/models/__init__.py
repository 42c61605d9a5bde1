"""The internships app's models: the directory of sites and mentors, placements and their
daily logs, visits, evaluations and messages, and the mentors' sign-in links."""

from internships.models.directory import (
    CareerCluster,
    HoursTarget,
    Mentor,
    Opportunity,
    Site,
)
from internships.models.placements import (
    DailyLog,
    Evaluation,
    Exploration,
    Message,
    Placement,
    PlacementEvent,
    SiteVisit,
)
from internships.models.portal import SignInLink

__all__ = [
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
]
