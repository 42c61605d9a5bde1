"""The students app's models: profiles and families, learning plans, meetings, assessment."""

from students.models.assessment import Exhibition, Feedback, Narrative, Panelist
from students.models.meetings import CalendarFeed, MeetingInvite, PlanMeeting
from students.models.plans import (
    Evidence,
    LearningGoal,
    LearningPlan,
    PlanComment,
    PlanItem,
    PlanRevision,
    ProgressUpdate,
)
from students.models.profile import GuardianLink, Student

__all__ = [
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
    "Student",
]
