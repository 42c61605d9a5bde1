"""The reports area and the record of access: pages that read every app."""

from django.urls import path

from bigpicture.pages import records
from bigpicture.pages.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report-list"),
    *records.urlpatterns,
    path("<slug:slug>/", views.ReportView.as_view(), name="report"),
    path(
        "<slug:slug>/tables/<slug:table>.<str:format>",
        views.ReportTableView.as_view(),
        name="report-table",
    ),
    path("<slug:slug>/students/", views.ReportStudentsView.as_view(), name="report-students"),
    path(
        "<slug:slug>/students.<str:format>",
        views.ReportStudentsExportView.as_view(),
        name="report-students-export",
    ),
]
