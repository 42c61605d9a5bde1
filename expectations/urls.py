"""The 10 Expectations' pages: each area of the app lists its own URLs in its views module."""

from expectations.views import attendance, catalog, engagement, insight, reflections, tags

app_name = "expectations"

urlpatterns = [
    *catalog.urlpatterns,
    *reflections.urlpatterns,
    *tags.urlpatterns,
    *insight.urlpatterns,
    *attendance.urlpatterns,
    *engagement.urlpatterns,
]
