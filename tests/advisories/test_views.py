"""Advisory pages through the client: the admin's forms, the roster page and its cost."""

import html
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisories.models import Advisory
from tests import factories


def field_html(response, name: str) -> str:
    """The rendered block of one form field: its label, input and the error shown by it."""
    blocks = response.content.decode().split('<div id="div_id_')
    return next(block for block in blocks[1:] if block.startswith(f'{name}"'))


def assert_error_by_field(response, name: str, message: str) -> None:
    assert response.status_code == 200
    block = field_html(response, name)
    assert "is-invalid" in block
    assert f"<strong>{html.escape(message)}</strong>" in block


def assert_kept(response, name: str, value: str) -> None:
    assert f'value="{html.escape(value)}"' in field_html(response, name)


def _advisory_data(world, **changes):
    return {
        "name": "Lighthouse",
        "advisor": world.other_advisor.pk,
        "graduating_class": "2030",
        "capacity": "",
        **changes,
    }


class TestAdvisoryCreate:
    def test_admin_creates_an_advisory_and_sees_it(self, client_as, world):
        client = client_as("admin")
        response = client.post(reverse("advisories:advisory-create"), _advisory_data(world))
        advisory = Advisory.objects.get(name="Lighthouse")
        assert response.status_code == 302
        assert response.url == advisory.get_absolute_url()
        assert (advisory.school, advisory.advisor) == (world.school, world.other_advisor)
        assert advisory.capacity is None
        detail = client.get(response.url).content.decode()
        assert "0 / 15" in detail  # the school's capacity

    def test_a_name_the_school_already_uses_is_refused_by_the_field(self, client_as, world):
        url = reverse("advisories:advisory-create")
        response = client_as("admin").post(url, _advisory_data(world, name="  harbor "))
        assert_error_by_field(
            response, "name", "The school already has an advisory with this name."
        )
        assert Advisory.objects.filter(school=world.school, name__iexact="harbor").count() == 1

    def test_the_form_shows_the_schools_capacity_as_the_default(self, client_as, world):
        response = client_as("admin").get(reverse("advisories:advisory-create"))
        assert 'placeholder="15"' in field_html(response, "capacity")

    def test_only_the_schools_advisors_are_offered(self, client_as, world):
        advisor_field = field_html(
            client_as("admin").get(reverse("advisories:advisory-create")), "advisor"
        )
        assert f'value="{world.advisor.pk}"' in advisor_field
        assert f'value="{world.advisor2.pk}"' not in advisor_field
        assert f'value="{world.mentor.pk}"' not in advisor_field

    def test_an_advisor_of_another_school_is_refused_by_the_field(self, client_as, world):
        data = _advisory_data(world, advisor=world.advisor2.pk)
        response = client_as("admin").post(reverse("advisories:advisory-create"), data)
        assert response.status_code == 200
        assert "is-invalid" in field_html(response, "advisor")
        assert_kept(response, "name", "Lighthouse")
        assert not Advisory.objects.filter(name="Lighthouse").exists()

    def test_a_capacity_of_zero_is_shown_by_the_field(self, client_as, world):
        data = _advisory_data(world, capacity="0")
        response = client_as("admin").post(reverse("advisories:advisory-create"), data)
        assert_error_by_field(
            response, "capacity", "Ensure this value is greater than or equal to 1."
        )
        assert_kept(response, "name", "Lighthouse")
        assert_kept(response, "graduating_class", "2030")

    def test_a_nonsense_graduating_class_is_shown_with_the_typed_values(self, client_as, world):
        data = _advisory_data(world, graduating_class="30")
        response = client_as("admin").post(reverse("advisories:advisory-create"), data)
        assert response.status_code == 200
        assert "Enter a graduating class such as 2029." in response.content.decode()
        assert_kept(response, "graduating_class", "30")
        assert not Advisory.objects.filter(name="Lighthouse").exists()

    def test_a_name_used_in_the_school_is_refused_with_the_typed_values(self, client_as, world):
        data = _advisory_data(world, name="Harbor", capacity="12")
        response = client_as("admin").post(reverse("advisories:advisory-create"), data)
        assert_error_by_field(
            response, "name", "The school already has an advisory with this name."
        )
        assert_kept(response, "capacity", "12")
        assert Advisory.objects.filter(school=world.school, name="Harbor").count() == 1


class TestAdvisoryUpdate:
    def test_admin_renames_and_resizes_an_advisory(self, client_as, world):
        url = reverse("advisories:advisory-update", args=[world.advisory.pk])
        data = _advisory_data(world, name="Harbor Lights", capacity="12")
        response = client_as("admin").post(url, data)
        assert response.status_code == 302
        assert response.url == world.advisory.get_absolute_url()
        world.advisory.refresh_from_db()
        assert (world.advisory.name, world.advisory.capacity) == ("Harbor Lights", 12)
        assert world.advisory.advisor == world.other_advisor

    def test_a_taken_name_is_refused_and_the_advisory_unchanged(self, client_as, world):
        url = reverse("advisories:advisory-update", args=[world.advisory.pk])
        response = client_as("admin").post(url, _advisory_data(world, name="Summit"))
        assert response.status_code == 200
        assert_kept(response, "name", "Summit")
        world.advisory.refresh_from_db()
        assert world.advisory.name == "Harbor"

    def test_another_schools_admin_gets_a_404(self, client_as, world):
        url = reverse("advisories:advisory-update", args=[world.advisory.pk])
        assert client_as("admin2").post(url, _advisory_data(world)).status_code == 404
        world.advisory.refresh_from_db()
        assert world.advisory.name == "Harbor"


class TestAdvisoryDetail:
    def test_shows_the_roster_and_those_who_left(self, client_as, world):
        left = factories.MembershipFactory(
            advisory=world.advisory, start_date=date(2025, 8, 25), end_date=date(2026, 8, 24)
        )
        page = client_as("advisor").get(world.advisory.get_absolute_url()).content.decode()
        assert html.escape(world.student.display_name) in page
        assert html.escape(str(world.link.guardian)) in page
        assert html.escape(left.student.display_name) in page
        assert "Edit advisory" not in page  # advisors do not edit advisories

    def test_costs_the_same_queries_for_3_or_30_students(
        self, client_as, world, django_assert_num_queries
    ):
        client = client_as("advisor")
        url = world.advisory.get_absolute_url()
        for _ in range(2):
            factories.student_with_family(world.advisory)
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200

        students = [factories.student_with_family(world.advisory) for _ in range(27)]
        for _ in range(5):
            factories.MembershipFactory(
                advisory=world.advisory, start_date=date(2025, 8, 25), end_date=date(2026, 8, 24)
            )
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(len(small)):
            response = client.get(url)
        page = response.content.decode()
        assert all(html.escape(student.display_name) in page for student in students)
        assert "30 / 15" in page
        assert "Over capacity" in page

    def test_the_list_costs_the_same_queries_for_few_or_many_advisories(
        self, client_as, world, django_assert_num_queries
    ):
        client = client_as("admin")
        url = reverse("advisories:advisory-list")
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        more = factories.AdvisoryFactory.create_batch(10, school=world.school)
        for advisory in more:
            factories.MembershipFactory.create_batch(2, advisory=advisory)
        cache.clear()  # the school's shared data read afresh
        with django_assert_num_queries(len(small)):
            page = client.get(url).content.decode()
        assert all(advisory.name in page for advisory in more)

    def test_the_list_pages_by_fifty_and_filters_by_class(self, client_as, world):
        factories.AdvisoryFactory.create_batch(55, school=world.school, graduating_class=2031)
        client = client_as("admin")
        url = reverse("advisories:advisory-list")
        first = client.get(url).content.decode()
        assert "Page 1 of 2" in first
        only_2031 = client.get(url, {"class": "2031", "page": "2"}).content.decode()
        assert "Page 2 of 2" in only_2031
        assert "Advisories of the class of 2031" in only_2031
        assert "Harbor" not in only_2031
        assert "?class=2031&amp;page=1" in only_2031  # the filter survives paging
        assert client.get(url, {"class": "nonsense"}).status_code == 200


class TestOverviewFlagsOverCapacity:
    def test_only_the_advisories_over_their_own_or_the_schools_capacity_are_listed(
        self, client_as, world
    ):
        tight = factories.AdvisoryFactory(school=world.school, name="Tight", capacity=2)
        factories.MembershipFactory.create_batch(3, advisory=tight)
        roomy = factories.AdvisoryFactory(school=world.school, name="Roomy", capacity=20)
        factories.MembershipFactory.create_batch(16, advisory=roomy)  # over 15, under 20
        crowded = factories.AdvisoryFactory(school=world.school, name="Crowded")
        factories.MembershipFactory.create_batch(16, advisory=crowded)  # over the school's 15

        overview = Advisory.objects.filter(school=world.school).over_capacity()
        assert sorted(a.name for a in overview) == ["Crowded", "Tight"]
        page = client_as("admin").get(reverse("bigpicture:school-overview", args=[world.school.pk]))
        text = page.content.decode()
        assert "2 advisories are over capacity." in text
        assert "3 / 2" in text and "16 / 15" in text
        assert "Roomy" not in text
