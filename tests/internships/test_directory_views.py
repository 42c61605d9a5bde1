"""Directory pages through the client: sites and mentors with their check badges and the
reason a mentor cannot take an intern, the CSV exports, opportunities, proposals, and what
the lists cost in queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigpicture.models import Notification
from internships.models import Mentor, Site
from tests import factories
from tests.students.test_views import assert_error_by_field, field_html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _mentor(world, *, state: str, **fields):
    """A mentor at the world's site whose badge is ``state``."""
    today = world.school.today()
    checks = {
        "cleared": {"check_expires_on": today + timedelta(days=200)},
        "expiring": {"check_expires_on": today + timedelta(days=10)},
        "expired": {
            "checked_on": today - timedelta(days=400),
            "check_expires_on": today - timedelta(days=3),
        },
        "missing": {"background_check": "missing", "checked_on": None, "check_expires_on": None},
    }
    return factories.MentorProfileFactory(
        **{"site": world.mentor_profile.site, **checks[state], **fields}
    )


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


class TestSites:
    def test_admins_search_and_filter_sites(self, client_as, world):
        factories.SiteFactory(school=world.school, organization="City Aquarium", cluster="stem")
        factories.SiteFactory(school=world.school, organization="City Hall", cluster="government")
        factories.SiteFactory(school=world.school2, organization="City Zoo", cluster="stem")
        client = client_as("admin")
        url = reverse("internships:site-list")
        page = client.get(url, {"q": "city"}).content.decode()
        assert "City Aquarium" in page and "City Hall" in page
        assert "City Zoo" not in page  # another school's
        page = client.get(url, {"q": "city", "cluster": "stem"}).content.decode()
        assert "City Aquarium" in page and "City Hall" not in page
        assert reverse("internships:site-create") in page
        assert reverse("internships:site-export") in page

    def test_a_proposed_site_shows_as_proposed_until_activated(self, client_as, world):
        site = factories.SiteFactory(
            school=world.school,
            organization="Bike Co-op",
            status="proposed",
            proposed_by=world.student.user,
        )
        client = client_as("admin")
        page = client.get(reverse("internships:site-list"), {"status": "proposed"}).content.decode()
        assert "Bike Co-op" in page and "Proposed by a student" in page
        assert world.mentor_profile.site.organization not in page
        detail = client.get(site.get_absolute_url()).content.decode()
        assert "It is not shown to students until an admin makes it active." in detail
        data = {
            "organization": "Bike Co-op",
            "address": "",
            "cluster": site.cluster,
            "industry": "",
            "safety_reviewed_on": "",
            "notes": "",
            "status": "active",
        }
        response = client.post(reverse("internships:site-update", args=[site.pk]), data)
        assert response.status_code == 302
        site.refresh_from_db()
        assert site.status == Site.Status.ACTIVE

    def test_advisors_read_the_directory_without_changing_it(self, client_as, world):
        client = client_as("advisor")
        site = world.mentor_profile.site
        page = client.get(reverse("internships:site-list")).content.decode()
        assert site.organization in page
        assert reverse("internships:site-create") not in page
        assert reverse("internships:site-export") not in page
        detail = client.get(site.get_absolute_url()).content.decode()
        assert str(world.mentor_profile) in detail
        assert reverse("internships:site-update", args=[site.pk]) not in detail
        assert client.get(reverse("internships:site-update", args=[site.pk])).status_code == 403
        assert client.post(reverse("internships:site-create"), {}).status_code == 403

    def test_the_site_page_shows_mentors_opportunities_and_interns(self, client_as, world):
        site = world.mentor_profile.site
        _mentor(world, state="expired", user__first_name="Olga", user__last_name="Past")
        factories.OpportunityFactory(site=site, mentor=world.mentor_profile, title="Hull repair")
        factories.PlacementFactory(student=world.student, site=site, mentor=world.mentor_profile)
        factories.PlacementFactory(
            student=world.other_student, site=site, mentor=world.mentor_profile, status="completed"
        )
        page = client_as("admin").get(site.get_absolute_url()).content.decode()
        assert "Hull repair" in page
        assert (
            "Olga Past" in page
            and "Cannot take an intern: The mentor&#x27;s background check expired" in page
        )
        assert '<dt class="col-sm-3">Current interns</dt><dd class="col-sm-9">1</dd>' in page

    def test_a_taken_name_is_shown_by_the_field(self, client_as, world):
        data = {
            "organization": world.mentor_profile.site.organization,
            "cluster": "stem",
            "status": "active",
        }
        response = client_as("admin").post(reverse("internships:site-create"), data)
        assert_error_by_field(
            response, "organization", "This organization is already a site of the school."
        )
        assert Site.objects.filter(school=world.school).count() == 1

    def test_the_site_list_costs_the_same_for_few_and_many_sites(self, client_as, world):
        client = client_as("admin")
        url = reverse("internships:site-list")
        few = _queries(client, url)
        for number in range(20):
            site = factories.SiteFactory(school=world.school)
            mentor = factories.MentorProfileFactory(site=site)
            factories.OpportunityFactory(site=site, mentor=mentor)
            if number % 3 == 0:
                factories.PlacementFactory(site=site, mentor=mentor, student__school=world.school)
        assert _queries(client, url) == few


class TestMentors:
    def test_badges_and_why_a_mentor_cannot_take_an_intern(self, client_as, world):
        expired = _mentor(world, state="expired", user__last_name="Expired")
        _mentor(world, state="expiring", user__last_name="Expiring")
        _mentor(world, state="missing", user__last_name="Missing")
        page = client_as("advisor").get(reverse("internships:mentor-list")).content.decode()
        for label in ("Cleared", "Expires within 30 days", "Expired", "Not started"):
            assert label in page
        day = expired.check_expires_on
        assert (
            f"Cannot take an intern: The mentor&#x27;s background check expired on {day}." in page
        )
        not_cleared = "background check is not cleared (Not started)."
        assert f"Cannot take an intern: The mentor&#x27;s {not_cleared}" in page
        assert page.count("Cannot take an intern") == 2  # the cleared and the expiring may
        detail = client_as("advisor").get(reverse("internships:mentor-detail", args=[expired.pk]))
        assert (
            "Cannot take an intern: The mentor&#x27;s background check expired"
            in detail.content.decode()
        )

    @pytest.mark.parametrize("state", ["cleared", "expiring", "expired", "missing"])
    def test_the_list_filters_by_badge(self, client_as, world, state):
        wanted = _mentor(world, state=state, user__last_name="Wanted")
        others = [s for s in ("expiring", "expired", "missing") if s != state]
        for other in others:
            _mentor(world, state=other, user__last_name=f"Other{other}")
        page = (
            client_as("admin")
            .get(reverse("internships:mentor-list"), {"state": state})
            .content.decode()
        )
        assert str(wanted) in page
        assert not any(f"Other{other}" in page for other in others)

    def test_an_admin_adds_a_mentor_who_has_no_password(self, client_as, world):
        today = world.school.today()
        data = {
            "first_name": "Rosa",
            "last_name": "Marin",
            "email": "rosa@boats.test",
            "phone": "",
            "job_title": "Shipwright",
            "site": world.mentor_profile.site.pk,
            "background_check": "cleared",
            "checked_on": (today - timedelta(days=2)).isoformat(),
            "check_expires_on": (today + timedelta(days=300)).isoformat(),
        }
        response = client_as("admin").post(reverse("internships:mentor-create"), data)
        mentor = Mentor.objects.get(user__email="rosa@boats.test")
        assert response.status_code == 302
        assert response.url == reverse("internships:mentor-detail", args=[mentor.pk])
        assert not mentor.user.has_usable_password()

    def test_an_email_of_another_school_is_shown_by_the_field_and_nothing_is_added(
        self, client_as, world
    ):
        data = {
            "first_name": "Rosa",
            "last_name": "Marin",
            "email": world.admin2.email,
            "site": world.mentor_profile.site.pk,
            "background_check": "missing",
        }
        response = client_as("admin").post(reverse("internships:mentor-create"), data)
        assert_error_by_field(
            response,
            "email",
            "This email address cannot be used here. Check it, or use another one.",
        )
        assert 'value="Rosa"' in field_html(response, "first_name")
        assert Mentor.objects.count() == 1

    def test_a_site_of_another_school_is_not_offered(self, client_as, world):
        other = factories.SiteFactory(school=world.school2, organization="Elsewhere Inc")
        client = client_as("admin")
        assert (
            "Elsewhere Inc" not in client.get(reverse("internships:mentor-create")).content.decode()
        )
        response = client.post(
            reverse("internships:mentor-create"),
            {
                "first_name": "A",
                "last_name": "B",
                "email": "a@b.test",
                "site": other.pk,
                "background_check": "missing",
            },
        )
        assert response.status_code == 200
        assert "site" in response.context["form"].errors

    def test_the_mentor_list_costs_the_same_for_few_and_many_mentors(self, client_as, world):
        client = client_as("admin")
        url = reverse("internships:mentor-list")
        few = _queries(client, url)
        for number in range(20):
            site = factories.SiteFactory(school=world.school)
            state = ("cleared", "expiring", "expired", "missing")[number % 4]
            mentor = _mentor(world, state=state, site=site)
            if number % 2:
                factories.PlacementFactory(site=site, mentor=mentor, student__school=world.school)
        assert _queries(client, url) == few


class TestExports:
    def test_sites_export_for_admins(self, client_as, world):
        factories.SiteFactory(school=world.school2, organization="Other School Site")
        response = client_as("admin").get(reverse("internships:site-export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith(
            'attachment; filename="sites-met-providence-'
        )
        rows = _csv(response)
        assert rows[0][0] == "Organization"
        assert [row[0] for row in rows[1:]] == [world.mentor_profile.site.organization]
        assert "Other School Site" not in response.content.decode()

    def test_mentors_export_has_the_checks_and_the_reasons(self, client_as, world):
        expired = _mentor(world, state="expired", user__last_name="Expired")
        response = client_as("admin").get(reverse("internships:mentor-export"))
        assert response["Content-Disposition"].startswith('attachment; filename="mentors-')
        rows = {row[0]: row for row in _csv(response)[1:]}
        header = _csv(response)[0]
        row = dict(zip(header, rows["Expired"], strict=True))
        assert row["Background check"] == "Cleared"
        assert row["Expires on"] == expired.check_expires_on.isoformat()
        assert row["Check"] == "Expired"
        assert row["Cannot take an intern because"].startswith(
            "The mentor's background check expired"
        )

    @pytest.mark.parametrize("start", ["=", "+", "-", "@"])
    def test_cells_that_look_like_formulas_are_neutralized(self, client_as, world, start):
        formula = f'{start}HYPERLINK("http://evil.test","click")'
        site = world.mentor_profile.site
        site.organization, site.notes = formula, f"{start}1+1"
        site.save()
        user = world.mentor
        user.first_name, user.last_name = formula, f"{start}SUM(A1:A9)"
        user.save()
        client = client_as("admin")
        sites = _csv(client.get(reverse("internships:site-export")))
        assert sites[1][0] == f"'{formula}"
        assert sites[1][-1] == f"'{start}1+1"
        mentors = _csv(client.get(reverse("internships:mentor-export")))
        assert mentors[1][:2] == [f"'{start}SUM(A1:A9)", f"'{formula}"]
        assert mentors[1][5] == f"'{formula}"  # the site's name too
        assert not any(
            cell.startswith(("=", "+", "-", "@")) for row in sites + mentors for cell in row
        )

    @pytest.mark.parametrize("role", ["advisor", "student", "mentor"])
    def test_only_admins_export(self, client_as, role):
        client = client_as(role)
        assert client.get(reverse("internships:site-export")).status_code == 403
        assert client.get(reverse("internships:mentor-export")).status_code == 403


class TestOpportunities:
    def test_students_browse_and_search_open_opportunities(self, client_as, world):
        site = world.mentor_profile.site
        factories.OpportunityFactory(site=site, title="Hull repair", interests="boats")
        factories.OpportunityFactory(
            site=site, title="Sail loft", description="Sew sails", interests="sewing"
        )
        factories.OpportunityFactory(site=site, title="Closed one", is_open=False)
        factories.OpportunityFactory(
            site=factories.SiteFactory(
                school=world.school, organization="Clinic", cluster="health"
            ),
            title="Front desk",
            mentor=None,
        )
        client = client_as("student")
        url = reverse("internships:opportunity-list")
        page = client.get(url).content.decode()
        assert "Hull repair" in page and "Front desk" in page
        assert "Closed one" not in page
        page = client.get(url, {"q": "sails"}).content.decode()
        assert "Sail loft" in page and "Hull repair" not in page
        page = client.get(url, {"q": "clinic"}).content.decode()  # the site's name
        assert "Front desk" in page and "Sail loft" not in page
        page = client.get(url, {"cluster": "health"}).content.decode()
        assert "Front desk" in page and "Hull repair" not in page

    def test_staff_see_closed_ones_too(self, client_as, world):
        factories.OpportunityFactory(
            site=world.mentor_profile.site, title="Closed one", is_open=False
        )
        assert (
            "Closed one"
            in client_as("advisor").get(reverse("internships:opportunity-list")).content.decode()
        )

    def test_an_advisor_adds_an_opportunity(self, client_as, world):
        data = {
            "site": world.mentor_profile.site.pk,
            "mentor": world.mentor_profile.pk,
            "title": "Engine tuning",
            "description": "",
            "interests": "engines, cars",
            "is_open": "on",
        }
        response = client_as("advisor").post(reverse("internships:opportunity-create"), data)
        assert response.status_code == 302
        page = client_as("student").get(response.url).content.decode()
        assert "Engine tuning" in page and "engines" in page

    def test_a_mentor_of_another_site_is_shown_by_the_field(self, client_as, world):
        elsewhere = factories.MentorProfileFactory(site__school=world.school)
        data = {
            "site": world.mentor_profile.site.pk,
            "mentor": elsewhere.pk,
            "title": "Engine tuning",
        }
        response = client_as("admin").post(reverse("internships:opportunity-create"), data)
        assert_error_by_field(response, "mentor", "Choose a mentor of this site, or none.")

    def test_a_student_proposes_a_site(
        self, client_as, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        data = {
            "organization": "Bike Co-op",
            "address": "",
            "cluster": "transportation",
            "why": "I fix bikes",
        }
        client = client_as("student")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("internships:site-propose"), data)
        assert response.status_code == 302
        site = Site.objects.get(organization="Bike Co-op")
        assert (site.status, site.proposed_by) == ("proposed", world.student.user)
        assert [m.to for m in mailoutbox] == [[world.admin.email]]
        page = client.get(response.url).content.decode()
        assert "Sites you proposed" in page and "Bike Co-op" in page

    def test_a_proposal_without_a_reason_is_refused_by_the_field(self, client_as, world):
        data = {"organization": "Bike Co-op", "cluster": "transportation", "why": ""}
        response = client_as("student").post(reverse("internships:site-propose"), data)
        assert response.status_code == 200
        assert "why" in response.context["form"].errors
        assert not Notification.objects.exists()
        assert not Site.objects.filter(organization="Bike Co-op").exists()
