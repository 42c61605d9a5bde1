"""Root URLs: only includes the apps (and the sign-in pages, the language switch, the admin,
and the load balancer's health checks)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from bigpicture import health

urlpatterns = [
    # For the load balancer: open to anybody, answering only "ok" or "unavailable".
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("bigpicture.core_urls")),
    path("accounts/second-factor/", include("bigpicture.twofactor.urls")),
    path("accounts/", include("bigpicture.auth_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("advisories/", include("advisories.urls")),
    path("students/", include("students.urls")),
    path("internships/", include("internships.urls")),
    path("expectations/", include("expectations.urls")),
    path("reports/", include("bigpicture.pages.urls")),
    path("portfolios/", include("bigpicture.pages.portfolio.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
