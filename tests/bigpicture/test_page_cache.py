"""Main pages cached whole per viewer (``bigpicture.pagecache``) and the signed-in person
cached per school version (``backends.EmailBackend.get_user``).

The rest of the suite runs with a dummy cache; these tests switch a real in-memory cache on
and check that a warm page costs no read, and that nothing it shows outlives a change: not
a one-time message, not a lost right to see the page, not a new password or a deactivation.
"""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisories.services import student_place
from bigpicture.backends import EmailBackend, user_cache_key
from bigpicture.pagecache import page_cache_key
from bigpicture.services import person_update
from tests import factories
from tests.conftest import IN_CI

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Production's cache: Redis through django-redis, in a database of its own.
REDIS_URL = "redis://127.0.0.1:6379/7"
REDIS = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}


@pytest.fixture(autouse=True, params=["local memory", "redis"])
def real_cache(request, settings):
    """Every test runs on both: in memory, and on Redis as in production (which must be
    there in CI; elsewhere its half skips without it)."""
    if request.param == "redis":
        import redis

        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.ConnectionError as error:
            (pytest.fail if IN_CI else pytest.skip)(f"needs Redis at {REDIS_URL}: {error}")
    settings.CACHES = REDIS if request.param == "redis" else LOCMEM
    settings.PERSONAL_CACHE = True
    cache.clear()
    yield
    cache.clear()


def reads(client, url) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    return selects, response


def test_a_warm_page_reads_nothing_and_shows_the_same(client_as, world):
    client = client_as("advisor")
    url = reverse("advisories:advisory-detail", args=[world.advisory.pk])
    cold, first = reads(client, url)
    warm, second = reads(client, url)
    assert cold and warm == []
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    assert second.content == first.content


def test_the_page_and_the_person_are_read_once_per_school_version(
    client_as, world, django_capture_on_commit_callbacks
):
    client = client_as("advisor")
    url = reverse("bigpicture:home")
    stamp = client.get(url).wsgi_request.user.cache_stamp
    assert reads(client, url)[0] == []
    with django_capture_on_commit_callbacks(execute=True):
        person_update(person=world.student.user, by=world.admin, first_name="Octavia")
    response = reads(client, url)[1]
    assert response.wsgi_request.user.cache_stamp != stamp  # the advisor, read afresh
    assert "Octavia" in response.content.decode()


def test_a_one_time_message_is_shown_once_and_never_cached(client, world):
    """A refused submit changes nothing in the school, so the plan page's copy still holds:
    the message must bypass it, and must not be stored in it."""
    from students.services.plans import plan_start

    plan = plan_start(student=world.student, term=world.term, by=world.student.user)
    client.force_login(world.student.user)
    url = plan.get_absolute_url()
    client.get(url)  # cached without a message
    refusal = "Add at least one goal or project before you submit the plan."
    response = client.post(reverse("students:plan-submit", args=[plan.pk]), follow=True)
    assert response.redirect_chain[-1][0] == url
    assert refusal in response.content.decode()
    assert refusal not in client.get(url).content.decode()
    assert refusal not in client.get(url).content.decode()


def test_a_lost_right_to_see_a_page_ends_its_copy(
    client_as, world, django_capture_on_commit_callbacks
):
    """The advisor's cached profile of a student goes with the student's move."""
    other = factories.AdvisoryFactory(
        school=world.school, graduating_class=world.advisory.graduating_class
    )
    client = client_as("advisor")
    url = reverse("students:student-detail", args=[world.student.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        student_place(
            student=world.student, advisory=other, start_date=world.school.today(), by=world.admin
        )
    assert client.get(url).status_code == 404


def test_refusals_are_never_cached(client_as, world):
    client = client_as("advisor")
    response = client.get(reverse("students:student-detail", args=[world.other_student.pk]))
    assert response.status_code == 404
    key = page_cache_key(response.wsgi_request)  # the key the page was looked up under
    assert key is not None and cache.get(key) is None


def test_pages_are_never_shared_between_people(client, world):
    url = reverse("students:student-detail", args=[world.student.pk])
    move = reverse("students:student-move", args=[world.student.pk])
    client.force_login(world.admin)
    assert move in client.get(url).content.decode()
    assert move in client.get(url).content.decode()
    client.force_login(world.student.user)
    assert move not in client.get(url).content.decode()


def test_searches_and_filters_are_made_afresh(client_as, world):
    client = client_as("admin")
    url = reverse("students:student-list")
    assert page_cache_key(client.get(url + "?page=1").wsgi_request) is not None
    assert page_cache_key(client.get(url + "?unplaced=1").wsgi_request) is None
    assert page_cache_key(client.get(url + "?q=Ada").wsgi_request) is None


def test_a_lost_role_closes_the_page_at_once(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("advisor")
    url = reverse("advisories:advisory-list")
    client.get(url)
    assert client.get(url).status_code == 200  # served from the cache
    advisory = world.advisory
    advisory.advisor = world.admin
    advisory.save()
    with django_capture_on_commit_callbacks(execute=True):
        person_update(person=world.advisor, by=world.admin, roles={"guardian"})
    assert client.get(url).status_code == 403


def test_a_change_committing_during_a_read_is_not_cached(world, monkeypatch):
    """The request read the person before a deactivation committed and stores its copy
    after: the copy must not be used."""
    from bigpicture.backends import forget_user

    backend = EmailBackend()
    read = EmailBackend._read

    def read_then_change(self, user_id):
        user = read(self, user_id)
        forget_user(user_id)  # another request's change commits meanwhile
        return user

    monkeypatch.setattr(EmailBackend, "_read", read_then_change)
    first = backend.get_user(world.advisor.pk)
    monkeypatch.setattr(EmailBackend, "_read", read)
    assert backend.get_user(world.advisor.pk).cache_stamp != first.cache_stamp


def test_a_new_password_signs_out_the_other_browsers(client_as, world):
    client = client_as("advisor")
    home = reverse("bigpicture:home")
    assert client.get(home).status_code == 200
    assert client.get(home).status_code == 200  # person and page now cached
    world.advisor.set_password("A new and long passphrase 42")
    world.advisor.save()
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_a_deactivated_person_is_signed_out_at_once(
    client_as, world, django_capture_on_commit_callbacks
):
    client = client_as("guardian")
    home = reverse("bigpicture:home")
    client.get(home)
    client.get(home)
    with django_capture_on_commit_callbacks(execute=True):
        person_update(person=world.guardian, by=world.admin, is_active=False)
    assert client.get(home).status_code == 302


@pytest.mark.parametrize("school", [False, True])
def test_a_network_admins_pages_are_not_cached(client, world, school):
    network_admin = factories.UserFactory(
        is_superuser=True, is_staff=True, school=world.school if school else None
    )
    client.force_login(network_admin)
    request = client.get(reverse("bigpicture:home")).wsgi_request
    assert page_cache_key(request) is None


def test_nothing_personal_is_cached_without_a_shared_cache(client_as, world, settings):
    settings.PERSONAL_CACHE = False
    client = client_as("advisor")
    request = client.get(reverse("bigpicture:home")).wsgi_request
    assert page_cache_key(request) is None
    assert cache.get(user_cache_key(world.advisor.pk)) is None


def test_only_gets_of_signed_in_people_are_cached(client, world):
    anonymous = client.get(reverse("login")).wsgi_request
    assert page_cache_key(anonymous) is None
    client.force_login(world.advisor)
    home = reverse("bigpicture:home")
    assert page_cache_key(client.get(home).wsgi_request) is not None
    assert page_cache_key(client.post(home).wsgi_request) is None
    assert page_cache_key(client.head(home).wsgi_request) is None


def test_the_cached_person_brings_their_school_and_profile(world, django_assert_num_queries):
    backend = EmailBackend()
    # The first reading knows the school only from the row: it reads the school's version,
    # then the row again, so that no change can slip in between.
    with django_assert_num_queries(2):
        user = backend.get_user(world.student.user.pk)
        assert user.school == world.school
        assert user.student_profile == world.student
    with django_assert_num_queries(0):
        again = backend.get_user(world.student.user.pk)
        assert again.school == world.school and again.student_profile == world.student
    assert again.cache_stamp == user.cache_stamp


def test_saving_a_person_or_their_profile_forgets_them(world, django_assert_num_queries):
    backend = EmailBackend()
    pk = world.student.user.pk
    stamp = backend.get_user(pk).cache_stamp
    with django_assert_num_queries(0):
        assert backend.get_user(pk).cache_stamp == stamp
    world.student.save()
    renewed = backend.get_user(pk).cache_stamp
    assert renewed != stamp
    world.student.user.save()
    assert backend.get_user(pk).cache_stamp != renewed


def test_a_lost_generation_never_revives_an_old_copy(world):
    """Should the cache evict a person's generation, a copy stored before can't match."""
    from bigpicture.backends import user_generation_key

    backend = EmailBackend()
    stamp = backend.get_user(world.advisor.pk).cache_stamp
    cache.delete(user_generation_key(world.advisor.pk))
    assert backend.get_user(world.advisor.pk).cache_stamp != stamp


def test_a_cache_entry_names_the_shape_of_what_it_holds(world):
    from bigpicture.backends import entry_format

    assert user_cache_key(world.advisor.pk).endswith(entry_format())
    assert len(entry_format()) == 12


def test_saving_the_school_retires_its_cached_people(world, django_capture_on_commit_callbacks):
    backend = EmailBackend()
    stamp = backend.get_user(world.advisor.pk).cache_stamp
    with django_capture_on_commit_callbacks(execute=True):
        world.school.save()
    assert backend.get_user(world.advisor.pk).cache_stamp != stamp


def test_a_person_who_is_gone_is_nobody(world):
    backend = EmailBackend()
    person = factories.UserFactory(school=world.school)
    backend.get_user(person.pk)
    pk = person.pk
    person.delete()
    assert backend.get_user(pk) is None


def test_a_lost_school_version_is_never_an_old_one(world):
    from bigpicture.selectors import school_version, school_version_key

    first = school_version(world.school.pk)
    assert first != 0 and school_version(world.school.pk) == first
    cache.delete(school_version_key(world.school.pk))  # evicted
    assert school_version(world.school.pk) not in (0, first)


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', html).group(1)


def test_the_stored_sign_in_page_carries_each_visitors_own_token(world):
    """The bare sign-in page is kept rendered; every visitor still signs in with a token
    made from their own CSRF secret."""
    from django.conf import settings

    from tests.factories import PASSWORD

    url = reverse("login")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(url).content.decode()
    second_page = second.get(url).content.decode()  # served from the stored page
    assert "csrf-token-stand-in" not in first_page + second_page
    assert _token(first_page) != _token(second_page)
    assert (
        first.cookies[settings.CSRF_COOKIE_NAME].value
        != second.cookies[settings.CSRF_COOKIE_NAME].value
    )
    for client, page in ((first, first_page), (second, second_page)):
        response = client.post(
            url,
            {
                "username": world.advisor.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _token(page),
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
    # A token from the other visitor's page is refused.
    third = Client(enforce_csrf_checks=True)
    third.get(url)
    refused = third.post(
        url,
        {
            "username": world.advisor.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _token(first_page),
        },
    )
    assert refused.status_code == 403


def test_the_sign_in_page_keeps_where_to_go_back_and_each_language(client, world):
    target = reverse("students:student-list")
    page = client.get(reverse("login") + f"?next={target}").content.decode()
    assert f'name="next" value="{target}"' in page
    assert 'name="next" value=""' in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert 'lang="es"' in client.get(reverse("login")).content.decode()[:200]


def test_a_signed_in_persons_sign_in_page_is_never_stored(client, world):
    """Their page carries their own menu: the next visitor must not get it."""
    client.force_login(world.advisor)
    name = world.advisor.get_full_name()
    assert name in client.get(reverse("login")).content.decode()
    assert name not in Client().get(reverse("login")).content.decode()
