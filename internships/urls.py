"""Internship pages: the directory, the pipeline and agreement, the daily log, the portal."""

from internships.views import directory, logs, pipeline, portal

app_name = "internships"

urlpatterns = [
    *directory.urlpatterns,
    *pipeline.urlpatterns,
    *logs.urlpatterns,
    *portal.urlpatterns,
]
