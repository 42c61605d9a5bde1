from django.urls import path

from students import views
from students.views import assessment, meetings, plans

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
    *plans.urlpatterns,
    *meetings.urlpatterns,
    *assessment.urlpatterns,
]
