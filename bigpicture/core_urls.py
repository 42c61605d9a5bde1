from django.urls import path

from bigpicture import job_views, views
from bigpicture.pages import views as pages

app_name = "bigpicture"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person-update"),
    path("network/", pages.NetworkOverviewView.as_view(), name="network-overview"),
    path("schools/<int:pk>/", pages.SchoolOverviewView.as_view(), name="school-overview"),
    path("schools/<int:pk>/settings/", views.SchoolUpdateView.as_view(), name="school-update"),
    path("schools/<int:pk>/years/", views.SchoolYearListView.as_view(), name="year-list"),
    path(
        "schools/<int:pk>/reminders/",
        views.ReminderSettingsView.as_view(),
        name="reminder-settings",
    ),
    path("schools/<int:pk>/outbox/", views.OutboxView.as_view(), name="outbox"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notification-read"),
    path(
        "notifications/preferences/",
        views.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/preferences/<str:token>/",
        views.TokenPreferencesView.as_view(),
        name="preferences-token",
    ),
    path("years/<int:pk>/terms/new/", views.TermCreateView.as_view(), name="term-create"),
    path("jobs/<int:pk>/", job_views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:pk>/status/", job_views.JobStatusView.as_view(), name="job-status"),
    path("jobs/<int:pk>/file/", job_views.JobFileView.as_view(), name="job-file"),
]
