"""The students app's models: profiles and families, learning plans, meetings, assessment."""

from students.models.assessment import (
    Exhibition,
    Feedback,
    Narrative,
    Panelist,
    may_give_feedback,
    may_write_narrative,
)
from students.models.meetings import CalendarFeed, MeetingInvite, PlanMeeting
from students.models.plans import (
    FIVE_GOALS,
    PERSONAL,
    Evidence,
    LearningGoal,
    LearningPlan,
    PlanComment,
    PlanItem,
    PlanRevision,
    ProgressUpdate,
)
from students.models.profile import GuardianLink, Student, people_visible_to
from students.models.roster import RosterKey

__all__ = [
    "FIVE_GOALS",
    "PERSONAL",
    "CalendarFeed",
    "Evidence",
    "Exhibition",
    "Feedback",
    "GuardianLink",
    "LearningGoal",
    "LearningPlan",
    "MeetingInvite",
    "Narrative",
    "Panelist",
    "PlanComment",
    "PlanItem",
    "PlanMeeting",
    "PlanRevision",
    "ProgressUpdate",
    "RosterKey",
    "Student",
    "may_give_feedback",
    "may_write_narrative",
    "people_visible_to",
]
