"""Page fragments cached per viewer until the school changes (``fragment_key``).

The rest of the suite runs with a dummy cache, so every page is read fresh there; these
tests switch a real in-memory cache on and check both halves of the bargain: a cached
fragment skips its queries, and every service that changes what it shows makes it fresh.
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisories.services import student_place
from bigpicture.services import person_update, preferences_update
from students.services import guardian_link_update, guardian_unlink, student_profile_update
from tests import factories

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def real_cache(settings):
    settings.CACHES = LOCMEM
    settings.PERSONAL_CACHE = True  # the pages themselves too, as in production
    cache.clear()
    yield
    cache.clear()


def queries_of(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # Each response masks the CSRF token afresh; everything else must be identical.
    html = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode())
    return len(queries), html


PAGES = {
    "advisor": lambda w: reverse("bigpicture:home"),
    "advisory": lambda w: reverse("advisories:advisory-detail", args=[w.advisory.pk]),
    "students": lambda w: reverse("students:student-list"),
    "people": lambda w: reverse("bigpicture:person-list"),
    "advisories": lambda w: reverse("advisories:advisory-list"),
    "profile": lambda w: reverse("students:student-detail", args=[w.student.pk]),
    "plan": lambda w: _plan(w).get_absolute_url(),
    "plan history": lambda w: reverse("students:plan-history", args=[_plan(w).pk]),
    "internship": lambda w: _placement(w).get_absolute_url(),
    "daily logs": lambda w: reverse("internships:placement-logs", args=[_placement(w).pk]),
    "advisory internships": lambda w: reverse(
        "internships:advisory-internships", args=[w.advisory.pk]
    ),
}


def _plan(w):
    return factories.PlanFactory(student=w.student, term=w.term)


def _placement(w):
    return factories.PlacementFactory(
        student=w.student, mentor=w.mentor_profile, site=w.mentor_profile.site
    )


VIEWER = {"advisor": "advisor", "advisory": "advisor", "profile": "advisor", "plan": "student"}


@pytest.mark.parametrize("page", PAGES)
def test_a_second_visit_reads_less_and_shows_the_same(client_as, world, page):
    client = client_as(VIEWER.get(page, "admin"))
    url = PAGES[page](world)
    first, first_html = queries_of(client, url)
    second, second_html = queries_of(client, url)
    assert second < first
    assert second_html == first_html


def test_a_students_new_name_shows_at_once(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("advisor")
    home = reverse("bigpicture:home")
    client.get(home)
    with django_capture_on_commit_callbacks(execute=True):
        student_profile_update(student=world.student, by=world.admin, preferred_name="Zephyrine")
    assert "Zephyrine" in client.get(home).content.decode()


def test_a_renamed_person_shows_at_once(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("admin")
    people = reverse("bigpicture:person-list")
    client.get(people)
    with django_capture_on_commit_callbacks(execute=True):
        preferences_update(user=world.student.user, first_name="Quintessa")
    assert "Quintessa" in client.get(people).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        person_update(person=world.advisor, by=world.admin, last_name="Okonkwo-Baptiste")
    assert "Okonkwo-Baptiste" in client.get(people).content.decode()


def test_guardian_changes_show_at_once(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("advisor")
    url = reverse("advisories:advisory-detail", args=[world.advisory.pk])
    assert "primary contact" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        guardian_link_update(link=world.link, by=world.admin, is_primary_contact=False)
    assert "primary contact" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        guardian_unlink(link=world.link, by=world.admin)
    assert str(world.guardian) not in client.get(url).content.decode()


def test_a_move_shows_on_every_list(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("admin")
    students = reverse("students:student-list") + "?unplaced=1"
    advisory = reverse("advisories:advisory-detail", args=[world.advisory.pk])
    assert world.unplaced.display_name in client.get(students).content.decode()
    assert world.unplaced.display_name not in client.get(advisory).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        student_place(
            student=world.unplaced,
            advisory=world.advisory,
            start_date=world.school.today(),
            by=world.admin,
        )
    assert world.unplaced.display_name not in client.get(students).content.decode()
    assert world.unplaced.display_name in client.get(advisory).content.decode()


def test_fragments_are_never_shared_between_viewers(client, world):
    """The admin's copy of a profile has management links; the student's must not."""
    url = reverse("students:student-detail", args=[world.student.pk])
    client.force_login(world.admin)
    assert (
        reverse("students:student-move", args=[world.student.pk])
        in client.get(url).content.decode()
    )
    client.force_login(world.student.user)
    html = client.get(url).content.decode()
    assert reverse("students:student-move", args=[world.student.pk]) not in html


def test_each_language_and_each_page_of_a_list_has_its_own_copy(client_as, world):
    factories.StudentFactory.create_batch(55, school=world.school)
    client = client_as("admin")
    url = reverse("students:student-list")
    first_page = client.get(url).content.decode()
    second_page = client.get(url + "?page=2").content.decode()
    assert first_page != second_page
    assert "Page 2 of 2" in second_page
    client.post(reverse("set_language"), {"language": "es", "next": url})
    world.admin.language = "es"
    world.admin.save(update_fields=["language"])
    assert "Página 1 de 2" in client.get(url).content.decode()


def test_back_office_edits_refresh_the_schools_pages(rf, world, django_capture_on_commit_callbacks):
    from django.contrib import admin

    from bigpicture.selectors import school_version
    from students.models import GuardianLink

    request = rf.post("/")
    request.user = factories.UserFactory(is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[GuardianLink]
    before, other_school = school_version(world.school.pk), school_version(world.school2.pk)
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.log_change(request, world.link, "changed")
    assert school_version(world.school.pk) != before
    assert school_version(world.school2.pk) == other_school
    before = school_version(world.school.pk)
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.log_deletions(request, GuardianLink.objects.filter(pk=world.link.pk))
    assert school_version(world.school.pk) != before


def test_a_plan_change_and_a_logged_day_show_at_once(
    client, world, django_capture_on_commit_callbacks
):
    from internships.services.logs import log_check_in
    from students.services.plans import plan_start, plan_update

    plan = plan_start(student=world.student, term=world.term, by=world.student.user)
    client.force_login(world.student.user)
    client.get(plan.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        plan_update(plan=plan, by=world.student.user, life_goals="Ship designer")
    assert "Ship designer" in client.get(plan.get_absolute_url()).content.decode()

    placement = _placement(world)
    logs = reverse("internships:placement-logs", args=[placement.pk])
    client.get(logs)
    with django_capture_on_commit_callbacks(execute=True):
        log_check_in(
            placement=placement, by=world.student.user, on=world.school.today(), goal="Caulk seams"
        )
    assert "Caulk seams" in client.get(logs).content.decode()


def test_a_cached_form_posts_after_signing_in_again(client, world):
    """The CSRF secret is part of the key: a new sign-in never gets a stale token."""
    from django.conf import settings
    from django.test import Client

    from students.services.plans import plan_start

    plan = plan_start(student=world.student, term=world.term, by=world.student.user)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.student.user)
    strict.get(plan.get_absolute_url())  # the plan page, with its forms, is now cached
    strict.cookies.pop(settings.CSRF_COOKIE_NAME)  # a new browser: another CSRF secret
    page = strict.get(plan.get_absolute_url()).content.decode()
    url = reverse("students:plan-comment", args=[plan.pk])
    form = page[page.index(f'action="{url}"') :]  # the comment form, inside the fragment
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', form).group(1)
    response = strict.post(url, {"body": "Hello", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
