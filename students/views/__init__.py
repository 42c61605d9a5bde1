"""The students app's views, one module per area: profiles and families (profile), learning
plans (plans), plan meetings (meetings), narratives and exhibitions (assessment)."""

from students.views.profile import (  # noqa: F401
    GuardianLinkCreateView,
    GuardianLinkDeleteView,
    GuardianLinkMixin,
    GuardianLinkUpdateView,
    StudentCreateView,
    StudentDetailView,
    StudentListView,
    StudentMoveView,
    StudentScopedMixin,
    StudentUpdateView,
)
