"""What keeps the pages cheap gives what the costly way gave: links without the URL patterns,
dates and hours formatted once per value, checks on the object in hand instead of a query,
and the admin lists' counts shared by a school's admins for a minute."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template import engines
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone, translation

from advisories.models import Advisory
from bigpicture.links import link
from bigpicture.models import School
from students.models import Student
from tests import factories

ROLES = ["admin", "advisor", "student", "guardian", "mentor", "admin2"]
PAGES = [
    "students:student-detail",
    "students:plan-list",
    "internships:placement-logs",
    "internships:log-review",
    "advisories:advisory-detail",
]


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("name", PAGES)
def test_a_link_is_the_url_reverse_gives(name):
    for pk in (1, 42, 9_876_543_210):
        assert link(name, pk) == reverse(name, args=[pk])


def test_a_link_follows_the_script_prefix():
    set_script_prefix("/school/")
    try:
        assert link("students:plan-list", 7) == reverse("students:plan-list", args=[7])
        assert link("students:plan-list", 7).startswith("/school/")
    finally:
        clear_script_prefix()
    assert link("students:plan-list", 7) == "/students/7/plans/"


def test_the_link_filter_in_a_template():
    assert _render("{% load links %}{{ pk|link:'students:plan-list' }}", pk=3) == (
        "/students/3/plans/"
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_days_moments_and_hours_read_as_date_and_floatformat_have_them(language):
    moments = [
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 1:30 in New York, before the clocks go back
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 1:30 again, after
        datetime(2027, 3, 4, 18, 5, tzinfo=UTC),
    ]
    with translation.override(language):
        for zone in ("America/New_York", "Europe/Madrid"):
            with timezone.override(zone):
                for moment in moments:
                    for shown in ("SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "P T"):
                        expected = _render(f'{{{{ v|date:"{shown}" }}}}', v=moment)
                        got = _render(f'{{% load shown %}}{{{{ v|when:"{shown}" }}}}', v=moment)
                        assert got == expected
        for day in (date(2027, 3, 4), date(2026, 12, 31), None):
            for shown in ("DATE_FORMAT", "D", "SHORT_DATE_FORMAT"):
                expected = _render(f'{{{{ v|date:"{shown}" }}}}', v=day)
                assert _render(f'{{% load shown %}}{{{{ v|day:"{shown}" }}}}', v=day) == expected
        for hours in (Decimal("3.50"), Decimal("4.00"), Decimal("12.25"), Decimal("0"), None):
            expected = _render('{{ v|floatformat:"-2" }}', v=hours)
            assert _render("{% load shown %}{{ v|hours }}", v=hours) == expected


@pytest.mark.parametrize("role", ROLES)
def test_seeing_and_editing_a_student_say_what_the_querysets_say(world, role):
    person = world.person(role)
    students = [world.student, world.other_student, world.unplaced, world.student2]
    ids = [student.pk for student in students]
    seen = set(Student.objects.visible_to(person).filter(pk__in=ids).values_list("pk", flat=True))
    editable = Student.objects.editable_by(person).filter(pk__in=ids).values_list("pk", flat=True)
    assert {student.pk for student in students if student.is_visible_to(person)} == seen
    assert {student.pk for student in students if student.is_editable_by(person)} == set(editable)


def test_an_admin_and_the_student_themself_are_answered_without_a_query(
    world, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert world.student.is_visible_to(world.admin)
        assert world.student.is_visible_to(world.student.user)
        assert world.student.is_editable_by(world.student.user)
        assert not world.student.is_visible_to(world.mentor)
        assert not world.student.is_visible_to(world.admin2)
    with django_assert_num_queries(1):
        assert world.student.is_visible_to(world.guardian)


@pytest.mark.parametrize("role", ROLES)
def test_managing_a_school_and_its_advisories_say_what_the_querysets_say(world, role):
    person = world.person(role)
    for school in (world.school, world.school2):
        managed = School.objects.administered_by(person).filter(pk=school.pk).exists()
        assert school.is_administered_by(person) == managed
    for advisory in (world.advisory, world.advisory2):
        editable = Advisory.objects.editable_by(person).filter(pk=advisory.pk).exists()
        assert advisory.is_editable_by(person) == editable


def _caption_count(response) -> int:
    return response.context["paginator"].count


def test_an_admin_list_count_is_shared_by_the_schools_admins_for_a_while(client, world):
    client.force_login(world.admin)
    assert _caption_count(client.get(reverse("students:student-list"))) == 3
    new = factories.StudentFactory(school=world.school)
    # A minute old at most, and the same for every admin of the school.
    assert _caption_count(client.get(reverse("students:student-list"))) == 3
    client.force_login(factories.AdminFactory(school=world.school))
    assert _caption_count(client.get(reverse("students:student-list"))) == 3
    # A search or another filter is counted afresh.
    search = client.get(reverse("students:student-list"), {"q": new.user.email})
    assert _caption_count(search) == 1
    unplaced = client.get(reverse("students:student-list"), {"unplaced": "1"})
    assert _caption_count(unplaced) == 2
    cache.clear()
    assert _caption_count(client.get(reverse("students:student-list"))) == 4


def test_an_advisors_list_is_never_counted_from_the_cache(client, world):
    client.force_login(world.admin)
    client.get(reverse("advisories:advisory-list"))
    client.force_login(world.advisor)
    assert _caption_count(client.get(reverse("advisories:advisory-list"))) == 1
