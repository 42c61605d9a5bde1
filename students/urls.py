from django.urls import path

from students import views
from students.views import assessment, meetings, plans, roster

app_name = "students"

urlpatterns = [
    path("", views.StudentListView.as_view(), name="student-list"),
    path("new/", views.StudentCreateView.as_view(), name="student-create"),
    path("<int:pk>/", views.StudentDetailView.as_view(), name="student-detail"),
    path("<int:pk>/edit/", views.StudentUpdateView.as_view(), name="student-update"),
    path("<int:pk>/move/", views.StudentMoveView.as_view(), name="student-move"),
    path(
        "<int:pk>/guardians/add/",
        views.GuardianLinkCreateView.as_view(),
        name="guardian-create",
    ),
    path(
        "guardians/<int:pk>/edit/",
        views.GuardianLinkUpdateView.as_view(),
        name="guardian-update",
    ),
    path(
        "guardians/<int:pk>/remove/",
        views.GuardianLinkDeleteView.as_view(),
        name="guardian-delete",
    ),
    # learning plans
    path("<int:pk>/plans/", plans.PlanListView.as_view(), name="plan-list"),
    path("<int:pk>/plans/new/", plans.PlanStartView.as_view(), name="plan-start"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", plans.PlanUpdateView.as_view(), name="plan-update"),
    path("plans/<int:pk>/submit/", plans.PlanSubmitView.as_view(), name="plan-submit"),
    path("plans/<int:pk>/review/", plans.PlanReviewView.as_view(), name="plan-review"),
    path("plans/<int:pk>/comment/", plans.PlanCommentView.as_view(), name="plan-comment"),
    path("plans/<int:pk>/history/", plans.PlanHistoryView.as_view(), name="plan-history"),
    path("plans/revisions/<int:pk>/", plans.RevisionDetailView.as_view(), name="revision-detail"),
    path("plans/<int:pk>/items/new/", plans.ItemCreateView.as_view(), name="item-create"),
    path("plans/items/<int:pk>/edit/", plans.ItemUpdateView.as_view(), name="item-update"),
    path("plans/items/<int:pk>/remove/", plans.ItemDeleteView.as_view(), name="item-delete"),
    path("plans/items/<int:pk>/move/", plans.ItemMoveView.as_view(), name="item-move"),
    path(
        "plans/items/<int:pk>/progress/",
        plans.ProgressCreateView.as_view(),
        name="progress-create",
    ),
    path(
        "plans/items/<int:pk>/evidence/",
        plans.EvidenceCreateView.as_view(),
        name="evidence-create",
    ),
    path("plans/evidence/<int:pk>/", plans.EvidenceFileView.as_view(), name="evidence-file"),
    path(
        "plans/evidence/<int:pk>/remove/",
        plans.EvidenceDeleteView.as_view(),
        name="evidence-delete",
    ),
    # plan meetings and calendar feeds
    path("<int:pk>/meetings/", meetings.MeetingListView.as_view(), name="meeting-list"),
    path("<int:pk>/meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", meetings.MeetingUpdateView.as_view(), name="meeting-update"),
    path("meetings/<int:pk>/record/", meetings.MeetingRecordView.as_view(), name="meeting-record"),
    path("meetings/<int:pk>/cancel/", meetings.MeetingCancelView.as_view(), name="meeting-cancel"),
    path(
        "meetings/<int:pk>/respond/", meetings.MeetingRespondView.as_view(), name="meeting-respond"
    ),
    path("meetings/<int:pk>/meeting.ics", meetings.MeetingIcsView.as_view(), name="meeting-ics"),
    path("calendar/", meetings.CalendarView.as_view(), name="calendar"),
    path("calendar/reset/", meetings.CalendarResetView.as_view(), name="calendar-reset"),
    path("calendar/<slug:token>.ics", meetings.CalendarFeedView.as_view(), name="calendar-feed"),
    # narratives and exhibitions
    path("<int:pk>/narratives/", assessment.NarrativeListView.as_view(), name="narrative-list"),
    path(
        "<int:pk>/narratives/new/",
        assessment.NarrativeCreateView.as_view(),
        name="narrative-create",
    ),
    path("narratives/<int:pk>/", assessment.NarrativeDetailView.as_view(), name="narrative-detail"),
    path(
        "narratives/<int:pk>/edit/",
        assessment.NarrativeUpdateView.as_view(),
        name="narrative-update",
    ),
    path(
        "narratives/<int:pk>/publish/",
        assessment.NarrativePublishView.as_view(),
        name="narrative-publish",
    ),
    path("<int:pk>/exhibitions/", assessment.ExhibitionListView.as_view(), name="exhibition-list"),
    path(
        "<int:pk>/exhibitions/new/",
        assessment.ExhibitionCreateView.as_view(),
        name="exhibition-create",
    ),
    path(
        "exhibitions/<int:pk>/",
        assessment.ExhibitionDetailView.as_view(),
        name="exhibition-detail",
    ),
    path(
        "exhibitions/<int:pk>/edit/",
        assessment.ExhibitionUpdateView.as_view(),
        name="exhibition-update",
    ),
    path(
        "exhibitions/<int:pk>/feedback/",
        assessment.ExhibitionFeedbackView.as_view(),
        name="exhibition-feedback",
    ),
    path(
        "exhibitions/<int:pk>/result/",
        assessment.ExhibitionResultView.as_view(),
        name="exhibition-result",
    ),
    # the roster: imports and the OneRoster export
    path("roster/", roster.RosterView.as_view(), name="roster"),
    path("roster/template.csv", roster.RosterTemplateView.as_view(), name="roster-template"),
    path("roster/export.zip", roster.RosterExportView.as_view(), name="roster-export"),
    path("roster/<int:pk>/", roster.RosterReportView.as_view(), name="roster-report"),
    path("roster/<int:pk>/errors.csv", roster.RosterErrorsView.as_view(), name="roster-errors"),
    path("roster/<int:pk>/import/", roster.RosterImportView.as_view(), name="roster-import"),
]
