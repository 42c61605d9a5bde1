"""The access matrix: every URL, walked as anonymous, every role and another school's admin.

A URL pattern that is not in the matrix fails the suite, so every new page must say who
may open it. Per case: anonymous -> login redirect; wrong role -> 403; right role but
someone else's row (or another school's) -> 404; right role, own row -> 200.
"""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.bigpicture.matrix import (
    ADMINS,
    ADMINS_OF_ROW,
    ANON,
    EVERYONE,
    NETWORK_ONLY,
    NOWHERE,
    PUBLIC,
    ROLES,
    expect,
    store_folder_made,
)


def _token(person) -> str:
    from bigpicture.notifications import preferences_token

    return preferences_token(person)


# (url name, kwargs from the world, expected status per role)
CASES = [
    ("login", None, PUBLIC),
    # the load balancer's health checks (tests/bigpicture/test_health.py: each part down)
    ("healthz", None, PUBLIC),
    ("readyz", store_folder_made, PUBLIC),
    ("logout", None, expect(default=405)),  # sign-out is POST only
    ("password_reset", None, PUBLIC),
    ("password_reset_done", None, PUBLIC),
    ("password_reset_confirm", lambda w: {"uidb64": "MQ", "token": "set-password"}, PUBLIC),
    ("password_reset_complete", None, PUBLIC),
    ("password_change", None, EVERYONE),
    ("password_change_done", None, EVERYONE),
    ("set_language", None, expect(default=302, anonymous=302)),
    ("bigpicture:home", None, EVERYONE),
    ("bigpicture:preferences", None, EVERYONE),
    ("bigpicture:person-list", None, ADMINS),
    ("bigpicture:person-create", None, ADMINS),
    ("bigpicture:person-update", lambda w: {"pk": w.advisor.pk}, ADMINS_OF_ROW),
    ("bigpicture:person-update", lambda w: {"pk": w.admin2.pk}, expect(admin=404, admin2=200)),
    ("bigpicture:network-overview", None, NETWORK_ONLY),
    ("bigpicture:school-overview", lambda w: {"pk": w.school.pk}, ADMINS_OF_ROW),
    ("bigpicture:school-update", lambda w: {"pk": w.school.pk}, ADMINS_OF_ROW),
    ("bigpicture:year-list", lambda w: {"pk": w.school.pk}, ADMINS_OF_ROW),
    ("bigpicture:term-create", lambda w: {"pk": w.year.pk}, ADMINS_OF_ROW),
    ("bigpicture:reminder-settings", lambda w: {"pk": w.school.pk}, ADMINS_OF_ROW),
    ("bigpicture:outbox", lambda w: {"pk": w.school.pk}, ADMINS_OF_ROW),
    ("bigpicture:notification-list", None, EVERYONE),
    ("bigpicture:notification-read", None, expect(default=405)),  # POST only
    ("bigpicture:notification-preferences", None, EVERYONE),
    # the unsubscribe link in emails: open without signing in, if the signature holds
    ("bigpicture:preferences-token", lambda w: {"token": _token(w.guardian)}, PUBLIC),
    ("bigpicture:preferences-token", lambda w: {"token": "forged:token"}, NOWHERE),
    ("advisories:advisory-list", None, expect(admin=200, advisor=200, admin2=200)),
    ("advisories:advisory-create", None, ADMINS),
    (
        "advisories:advisory-detail",
        lambda w: {"pk": w.advisory.pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "advisories:advisory-detail",
        lambda w: {"pk": w.other_advisory.pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
    ("advisories:advisory-update", lambda w: {"pk": w.advisory.pk}, ADMINS_OF_ROW),
    ("students:student-list", None, expect(admin=200, advisor=200, admin2=200)),
    ("students:student-create", None, ADMINS),
    (
        "students:student-detail",
        lambda w: {"pk": w.student.pk},
        expect(admin=200, advisor=200, student=200, guardian=200, admin2=404),
    ),
    (
        "students:student-detail",
        lambda w: {"pk": w.other_student.pk},
        expect(admin=200, advisor=404, student=404, guardian=404, admin2=404),
    ),
    (
        "students:student-update",
        lambda w: {"pk": w.student.pk},
        expect(admin=200, advisor=200, student=200, admin2=404),
    ),
    (
        "students:student-update",
        lambda w: {"pk": w.other_student.pk},
        expect(admin=200, advisor=404, student=404, admin2=404),
    ),
    ("students:student-move", lambda w: {"pk": w.student.pk}, ADMINS_OF_ROW),
    ("students:guardian-create", lambda w: {"pk": w.student.pk}, ADMINS_OF_ROW),
    ("students:guardian-update", lambda w: {"pk": w.link.pk}, ADMINS_OF_ROW),
    ("students:guardian-delete", lambda w: {"pk": w.link.pk}, ADMINS_OF_ROW),
    ("students:guardian-update", lambda w: {"pk": w.link2.pk}, expect(admin=404, admin2=200)),
]

# Each area of the learning pages keeps its own cases beside its tests.
from tests.students.matrix_assessment import CASES as ASSESSMENT_CASES  # noqa: E402
from tests.students.matrix_meetings import CASES as MEETING_CASES  # noqa: E402
from tests.students.matrix_plans import CASES as PLAN_CASES  # noqa: E402

CASES += PLAN_CASES + MEETING_CASES + ASSESSMENT_CASES

from tests.internships.matrix_directory import CASES as DIRECTORY_CASES  # noqa: E402
from tests.internships.matrix_logs import CASES as LOG_CASES  # noqa: E402
from tests.internships.matrix_pipeline import CASES as PIPELINE_CASES  # noqa: E402
from tests.internships.matrix_portal import CASES as PORTAL_CASES  # noqa: E402

CASES += DIRECTORY_CASES + PIPELINE_CASES + LOG_CASES + PORTAL_CASES

from tests.expectations.matrix_attendance import CASES as ATTENDANCE_CASES  # noqa: E402
from tests.expectations.matrix_engagement import CASES as ENGAGEMENT_CASES  # noqa: E402
from tests.expectations.matrix_insight import CASES as INSIGHT_CASES  # noqa: E402
from tests.expectations.matrix_reflections import CASES as REFLECTION_CASES  # noqa: E402

CASES += REFLECTION_CASES + INSIGHT_CASES + ATTENDANCE_CASES + ENGAGEMENT_CASES

from tests.bigpicture.matrix_twofactor import CASES as TWO_FACTOR_CASES  # noqa: E402
from tests.reports.matrix_records import CASES as RECORD_CASES  # noqa: E402
from tests.reports.matrix_reports import CASES as REPORT_CASES  # noqa: E402

CASES += TWO_FACTOR_CASES + REPORT_CASES + RECORD_CASES

from tests.bigpicture.matrix_jobs import CASES as JOB_CASES  # noqa: E402
from tests.students.matrix_roster import CASES as ROSTER_CASES  # noqa: E402

CASES += JOB_CASES + ROSTER_CASES

from tests.portfolio.matrix_portfolio import CASES as PORTFOLIO_CASES  # noqa: E402

CASES += PORTFOLIO_CASES

# The Django admin (back office) is for deployment operators only: it has its own gate,
# staff accounts, checked separately below.
BACK_OFFICE_NAMESPACE = "admin"


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            if namespace == BACK_OFFICE_NAMESPACE:
                continue
            yield from _walk(entry.url_patterns, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(entry, URLPattern):
            yield f"{prefix}{entry.name}" if entry.name else f"{prefix}<unnamed {entry.pattern}>"


def test_every_url_is_in_the_matrix():
    named = set(_walk(get_resolver().url_patterns))
    covered = {name for name, _kwargs, _statuses in CASES}
    assert named - covered == set(), "add these URLs to the access matrix"
    assert covered - named == set(), "the matrix names URLs that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "statuses"),
    CASES,
    ids=[f"{name}-{i}" for i, (name, _k, _s) in enumerate(CASES)],
)
def test_matrix(client, world, name, kwargs, statuses, role):
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    if role != "anonymous":
        client.force_login(world.person(role))
    response = client.get(url)
    assert response.status_code == statuses[role], f"{role} GET {url}"
    if role == "anonymous" and statuses[role] == ANON and name != "set_language":
        assert response.url.startswith(reverse("login")), "anonymous goes to the sign-in page"


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_back_office_is_for_staff_only(client, world, role):
    index = reverse("admin:index")
    client.force_login(world.person(role))
    response = client.get(index)
    assert response.status_code == 302
    assert "login" in response.url


def test_back_office_opens_for_the_deployment_operator(client, world):

    from tests.factories import UserFactory

    operator = UserFactory(school=None, is_staff=True, is_superuser=True)
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 302, "not without a second factor"
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=operator).persistent_id
    session.save()
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:bigpicture_user_changelist")).status_code == 200


def test_back_office_url_is_configurable():
    assert reverse("admin:index") == f"/{settings.ADMIN_URL}"


def test_the_network_admin_sees_every_school_and_creates_nothing_outside_one(client, world):
    from tests.factories import UserFactory

    operator = UserFactory(school=None, is_superuser=True, is_staff=True)
    client.force_login(operator)
    for name, kwargs in [
        ("bigpicture:home", None),
        ("bigpicture:school-overview", {"pk": world.school.pk}),
        ("bigpicture:school-overview", {"pk": world.school2.pk}),
        ("advisories:advisory-list", None),
        ("advisories:advisory-detail", {"pk": world.advisory2.pk}),
        ("students:student-detail", {"pk": world.student2.pk}),
        ("students:student-list", None),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name
    for name in (
        "bigpicture:person-list",
        "bigpicture:person-create",
        "advisories:advisory-create",
        "students:student-create",
    ):
        assert client.get(reverse(name)).status_code == 404, name
