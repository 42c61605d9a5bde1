"""Internship pages: the directory, the pipeline and agreement, the daily log, the portal."""

from django.urls import path

from internships.views import directory, logs, pipeline, portal

app_name = "internships"

urlpatterns = [
    # the directory: sites, mentors, opportunities
    path("sites/", directory.SiteListView.as_view(), name="site-list"),
    path("sites/new/", directory.SiteCreateView.as_view(), name="site-create"),
    path("sites/propose/", directory.SiteProposeView.as_view(), name="site-propose"),
    path("sites/export.csv", directory.SiteExportView.as_view(), name="site-export"),
    path("sites/<int:pk>/", directory.SiteDetailView.as_view(), name="site-detail"),
    path("sites/<int:pk>/edit/", directory.SiteUpdateView.as_view(), name="site-update"),
    path("mentors/", directory.MentorListView.as_view(), name="mentor-list"),
    path("mentors/new/", directory.MentorCreateView.as_view(), name="mentor-create"),
    path("mentors/export.csv", directory.MentorExportView.as_view(), name="mentor-export"),
    path("mentors/<int:pk>/", directory.MentorDetailView.as_view(), name="mentor-detail"),
    path("mentors/<int:pk>/edit/", directory.MentorUpdateView.as_view(), name="mentor-update"),
    path("opportunities/", directory.OpportunityListView.as_view(), name="opportunity-list"),
    path(
        "opportunities/new/",
        directory.OpportunityCreateView.as_view(),
        name="opportunity-create",
    ),
    path(
        "opportunities/<int:pk>/",
        directory.OpportunityDetailView.as_view(),
        name="opportunity-detail",
    ),
    path(
        "opportunities/<int:pk>/edit/",
        directory.OpportunityUpdateView.as_view(),
        name="opportunity-update",
    ),
    # the way into an internship: explorations, the proposal, the steps, visits, evaluations
    path(
        "students/<int:pk>/",
        pipeline.StudentInternshipsView.as_view(),
        name="student-internships",
    ),
    path(
        "students/<int:pk>/explorations/new/",
        pipeline.ExplorationCreateView.as_view(),
        name="exploration-create",
    ),
    path(
        "students/<int:pk>/propose/",
        pipeline.PlacementProposeView.as_view(),
        name="placement-propose",
    ),
    path("placements/<int:pk>/", pipeline.PlacementDetailView.as_view(), name="placement-detail"),
    path(
        "placements/<int:pk>/edit/",
        pipeline.PlacementUpdateView.as_view(),
        name="placement-update",
    ),
    path("placements/<int:pk>/step/", pipeline.PlacementStepView.as_view(), name="placement-step"),
    path(
        "placements/<int:pk>/decline/",
        pipeline.ConsentDeclineView.as_view(),
        name="consent-decline",
    ),
    path(
        "placements/<int:pk>/question/",
        pipeline.ConsentQuestionView.as_view(),
        name="consent-question",
    ),
    path(
        "placements/<int:pk>/visits/new/", pipeline.VisitCreateView.as_view(), name="visit-create"
    ),
    path(
        "placements/<int:pk>/evaluation/",
        pipeline.EvaluationWriteView.as_view(),
        name="evaluation-write",
    ),
    # the daily log and its hours
    path("placements/<int:pk>/logs/", logs.PlacementLogsView.as_view(), name="placement-logs"),
    path("placements/<int:pk>/logs/check-in/", logs.LogCheckInView.as_view(), name="log-check-in"),
    path("logs/<int:pk>/check-out/", logs.LogCheckOutView.as_view(), name="log-check-out"),
    path("logs/<int:pk>/review/", logs.LogReviewView.as_view(), name="log-review"),
    path("mentor/logs/", logs.MentorLogsView.as_view(), name="mentor-logs"),
    path("mentor/logs/confirm/", logs.MentorLogsConfirmView.as_view(), name="mentor-logs-confirm"),
    path(
        "advisories/<int:pk>/internships/",
        logs.AdvisoryInternshipsView.as_view(),
        name="advisory-internships",
    ),
    path("schools/<int:pk>/hours-targets/", logs.HoursTargetsView.as_view(), name="hours-targets"),
    # the mentors' portal
    path("portal/sign-in/", portal.PortalSignInView.as_view(), name="portal-sign-in"),
    path("portal/<str:token>/", portal.PortalLinkView.as_view(), name="portal-link"),
    path("mentoring/", portal.MentorInternshipsView.as_view(), name="mentor-internships"),
    path(
        "placements/<int:pk>/messages/",
        portal.PlacementMessagesView.as_view(),
        name="placement-messages",
    ),
    path(
        "placements/<int:pk>/messages/send/",
        portal.PlacementMessageView.as_view(),
        name="placement-message",
    ),
]
