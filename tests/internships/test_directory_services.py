"""Directory writes, called directly: sites, mentors and their accounts, opportunities, a
student's proposal, with every refusal and nothing half-written."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bigpicture.models import Notification, User
from internships.models import Mentor, Opportunity, Site
from internships.services import directory as services
from tests import factories


def _errors(excinfo) -> dict:
    return {
        field: [str(m) for m in messages] for field, messages in excinfo.value.message_dict.items()
    }


SITE = {
    "organization": "Harbor Boatworks",
    "address": "1 Pier Road",
    "cluster": "manufacturing",
    "industry": "Boat building",
    "safety_reviewed_on": None,
    "notes": "",
    "status": Site.Status.ACTIVE,
}


def _mentor_fields(world, **changes) -> dict:
    today = world.school.today()
    return {
        "email": "Rosa.Marin@Boats.test",
        "first_name": "Rosa",
        "last_name": "Marin",
        "phone": "555-0100",
        "job_title": "Shipwright",
        "site": world.mentor_profile.site,
        "background_check": Mentor.Check.CLEARED,
        "checked_on": today - timedelta(days=10),
        "check_expires_on": today + timedelta(days=355),
        **changes,
    }


class TestSites:
    def test_an_admin_adds_a_site(self, world):
        site = services.site_create(school=world.school, by=world.admin, **SITE)
        assert (site.school, site.organization, site.status) == (
            world.school,
            "Harbor Boatworks",
            "active",
        )

    @pytest.mark.parametrize("role", ["advisor", "student", "mentor", "admin2"])
    def test_only_the_schools_admins_add_sites(self, world, role):
        with pytest.raises(PermissionDenied):
            services.site_create(school=world.school, by=world.person(role), **SITE)
        assert not Site.objects.filter(organization="Harbor Boatworks").exists()

    def test_the_same_organization_twice_is_refused_next_to_the_name(self, world):
        services.site_create(school=world.school, by=world.admin, **SITE)
        with pytest.raises(ValidationError) as refused:
            services.site_create(
                school=world.school, by=world.admin, **{**SITE, "organization": "harbor BOATWORKS"}
            )
        assert _errors(refused) == {
            "organization": ["This organization is already a site of the school."]
        }

    def test_another_school_may_have_a_site_of_the_same_name(self, world):
        services.site_create(school=world.school, by=world.admin, **SITE)
        assert services.site_create(school=world.school2, by=world.admin2, **SITE).pk

    def test_an_unknown_cluster_is_refused(self, world):
        with pytest.raises(ValidationError) as refused:
            services.site_create(
                school=world.school, by=world.admin, **{**SITE, "cluster": "pirates"}
            )
        assert "cluster" in refused.value.message_dict

    def test_an_admin_activates_a_proposed_site(self, world):
        site = factories.SiteFactory(school=world.school, status="proposed")
        services.site_update(site=site, by=world.admin, status=Site.Status.ACTIVE)
        site.refresh_from_db()
        assert site.status == Site.Status.ACTIVE

    def test_another_schools_admin_cannot_change_a_site(self, world):
        site = world.mentor_profile.site
        with pytest.raises(PermissionDenied):
            services.site_update(site=site, by=world.admin2, organization="Mine now")
        with pytest.raises(PermissionDenied):
            services.site_update(site=site, by=world.advisor, organization="Mine now")


class TestProposals:
    def test_a_student_proposes_a_site_and_the_admins_hear_of_it(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        other_admin = factories.AdminFactory(school=world.school)
        factories.AdminFactory(school=world.school2)
        with django_capture_on_commit_callbacks(execute=True):
            site = services.site_propose(
                student=world.student,
                by=world.student.user,
                organization="City Aquarium",
                address="5 Bay Street",
                cluster="stem",
                why="I want to care for the sea turtles.",
            )
        assert site.status == Site.Status.PROPOSED
        assert site.proposed_by == world.student.user
        assert site.notes == "I want to care for the sea turtles."
        rows = Notification.objects.filter(rule="site_proposed")
        assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
            [world.admin.pk, other_admin.pk]
        )
        assert rows.first().kind == "school"
        assert sorted(m.to[0] for m in mailoutbox) == sorted([world.admin.email, other_admin.email])
        assert "City Aquarium" in mailoutbox[0].subject
        assert "sea turtles" in mailoutbox[0].body
        assert f"/internships/sites/{site.pk}/" in mailoutbox[0].body

    def test_a_proposal_says_why(self, world):
        with pytest.raises(ValidationError) as refused:
            services.site_propose(
                student=world.student,
                by=world.student.user,
                organization="City Aquarium",
                address="",
                cluster="stem",
                why="  ",
            )
        assert list(refused.value.message_dict) == ["why"]
        assert not Site.objects.filter(organization="City Aquarium").exists()
        assert not Notification.objects.exists()

    def test_nobody_proposes_for_another_student(self, world):
        with pytest.raises(PermissionDenied):
            services.site_propose(
                student=world.other_student,
                by=world.student.user,
                organization="City Aquarium",
                address="",
                cluster="stem",
                why="Fish",
            )


class TestMentors:
    def test_a_new_mentor_gets_an_account_without_a_password(self, world):
        mentor = services.mentor_create(
            school=world.school, by=world.admin, **_mentor_fields(world)
        )
        user = mentor.user
        assert user.email == "rosa.marin@boats.test"
        assert (user.school, user.is_mentor, user.first_name) == (world.school, True, "Rosa")
        assert not user.has_usable_password()
        assert user.roles == {"mentor"}
        assert (mentor.job_title, mentor.phone, mentor.background_check) == (
            "Shipwright",
            "555-0100",
            "cleared",
        )

    def test_a_person_of_the_school_gets_the_mentor_role_added(self, world):
        guardian = world.guardian
        mentor = services.mentor_create(
            school=world.school, by=world.admin, **_mentor_fields(world, email=guardian.email)
        )
        guardian.refresh_from_db()
        assert mentor.user == guardian
        assert guardian.is_mentor and guardian.is_guardian
        assert guardian.has_usable_password()  # their own password is left alone

    def test_an_email_of_another_school_is_refused_by_the_field(self, world):
        before = User.objects.count()
        with pytest.raises(ValidationError) as refused:
            services.mentor_create(
                school=world.school,
                by=world.admin,
                **_mentor_fields(world, email=world.admin2.email),
            )
        assert _errors(refused) == {
            "email": ["This email address cannot be used here. Check it, or use another one."]
        }
        world.admin2.refresh_from_db()
        assert not world.admin2.is_mentor
        assert User.objects.count() == before

    def test_a_mentor_is_added_once(self, world):
        with pytest.raises(ValidationError) as refused:
            services.mentor_create(
                school=world.school,
                by=world.admin,
                **_mentor_fields(world, email=world.mentor.email),
            )
        assert _errors(refused) == {"email": ["This person is already a mentor."]}

    def test_a_site_of_another_school_is_refused(self, world):
        other = factories.SiteFactory(school=world.school2)
        with pytest.raises(ValidationError) as refused:
            services.mentor_create(
                school=world.school, by=world.admin, **_mentor_fields(world, site=other)
            )
        assert list(refused.value.message_dict) == ["site"]

    def test_a_cleared_check_needs_its_dates_and_nothing_is_half_written(self, world):
        before = User.objects.count()
        with pytest.raises(ValidationError) as refused:
            services.mentor_create(
                school=world.school,
                by=world.admin,
                **_mentor_fields(world, checked_on=None, check_expires_on=None),
            )
        assert set(refused.value.message_dict) == {"checked_on", "check_expires_on"}
        assert User.objects.count() == before  # the account went with the refused mentor

    def test_a_check_expiring_before_it_was_done_is_refused(self, world):
        today = world.school.today()
        with pytest.raises(ValidationError) as refused:
            services.mentor_create(
                school=world.school,
                by=world.admin,
                **_mentor_fields(world, checked_on=today, check_expires_on=today),
            )
        assert _errors(refused) == {
            "check_expires_on": ["The check must expire after the day it was done."]
        }

    def test_a_mentor_with_no_check_yet_is_added_but_cannot_take_an_intern(self, world):
        mentor = services.mentor_create(
            school=world.school,
            by=world.admin,
            **_mentor_fields(
                world, background_check="missing", checked_on=None, check_expires_on=None
            ),
        )
        assert "not cleared" in mentor.placement_refusal(world.school.today())

    @pytest.mark.parametrize("role", ["advisor", "admin2"])
    def test_only_the_schools_admins_add_mentors(self, world, role):
        with pytest.raises(PermissionDenied):
            services.mentor_create(
                school=world.school, by=world.person(role), **_mentor_fields(world)
            )
        assert not User.objects.filter(email="rosa.marin@boats.test").exists()

    def test_an_admin_renews_a_check_and_changes_the_contact(self, world):
        profile = world.mentor_profile
        today = world.school.today()
        services.mentor_update(
            mentor=profile,
            by=world.admin,
            **_mentor_fields(
                world, email="new@boats.test", check_expires_on=today + timedelta(days=700)
            ),
        )
        profile.refresh_from_db()
        assert profile.user.email == "new@boats.test"
        assert profile.check_expires_on == today + timedelta(days=700)

    def test_a_taken_email_is_refused_when_changing_a_mentor(self, world):
        with pytest.raises(ValidationError) as refused:
            services.mentor_update(
                mentor=world.mentor_profile,
                by=world.admin,
                **_mentor_fields(world, email=world.advisor.email),
            )
        assert list(refused.value.message_dict) == ["email"]
        world.mentor.refresh_from_db()
        assert world.mentor.email != world.advisor.email

    def test_another_schools_admin_cannot_change_a_mentor(self, world):
        with pytest.raises(PermissionDenied):
            services.mentor_update(
                mentor=world.mentor_profile, by=world.admin2, **_mentor_fields(world)
            )


class TestOpportunities:
    def test_an_advisor_adds_an_opportunity_with_tidy_tags(self, world):
        opportunity = services.opportunity_create(
            school=world.school,
            by=world.advisor,
            site=world.mentor_profile.site,
            mentor=world.mentor_profile,
            title="Boat restoration",
            description="Sand, caulk and paint",
            interests=" boats ,, woodwork,  ",
            is_open=True,
        )
        assert opportunity.interests == "boats, woodwork"
        assert opportunity.tags == ["boats", "woodwork"]

    def test_a_mentor_of_another_site_is_refused_by_the_field(self, world):
        elsewhere = factories.MentorProfileFactory(site__school=world.school)
        with pytest.raises(ValidationError) as refused:
            services.opportunity_create(
                school=world.school,
                by=world.admin,
                site=world.mentor_profile.site,
                mentor=elsewhere,
                title="Boat restoration",
            )
        assert _errors(refused) == {"mentor": ["Choose a mentor of this site, or none."]}
        assert not Opportunity.objects.exists()

    @pytest.mark.parametrize("role", ["student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_staff_keep_opportunities(self, world, role):
        with pytest.raises(PermissionDenied):
            services.opportunity_create(
                school=world.school,
                by=world.person(role),
                site=world.mentor_profile.site,
                title="X",
            )

    def test_a_site_of_another_school_is_refused(self, world):
        with pytest.raises(ValidationError) as refused:
            services.opportunity_create(
                school=world.school,
                by=world.admin,
                site=factories.SiteFactory(school=world.school2),
                title="X",
            )
        assert list(refused.value.message_dict) == ["site"]

    def test_an_opportunity_is_closed(self, world):
        opportunity = factories.OpportunityFactory(site=world.mentor_profile.site)
        services.opportunity_update(
            opportunity=opportunity,
            by=world.advisor,
            site=opportunity.site,
            mentor=None,
            title=opportunity.title,
            is_open=False,
        )
        opportunity.refresh_from_db()
        assert (opportunity.is_open, opportunity.mentor) == (False, None)
