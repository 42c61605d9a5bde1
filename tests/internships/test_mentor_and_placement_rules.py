"""Holes a review found in the internships, each closed and kept closed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from internships.models import DailyLog, Placement, SignInLink
from internships.selectors.hours import placement_hours
from internships.services import directory, logs, pipeline, portal
from tests import factories
from tests.internships.matrix_pipeline import placement, propose


class TestMentorAccounts:
    def mentor(self, world, email):
        return directory.mentor_create(
            school=world.school,
            by=world.admin,
            email=email,
            first_name="Ada",
            last_name="Mentor",
            site=world.mentor_profile.site,
        )

    @pytest.mark.parametrize("who", ["student", "advisor", "operator"])
    def test_a_student_or_staff_account_cannot_become_a_mentor(self, world, who):
        person = {
            "student": world.student.user,
            "advisor": world.advisor,
            "operator": factories.UserFactory(school=world.school, is_staff=True),
        }[who]
        with pytest.raises(ValidationError) as error:
            self.mentor(world, person.email)
        assert "email" in error.value.error_dict
        person.refresh_from_db()
        assert not person.is_mentor

    def test_an_admin_cannot_rewrite_a_back_office_account_through_a_mentor(self, world):
        operator = factories.UserFactory(school=world.school, is_staff=True, is_mentor=True)
        mentor = factories.MentorProfileFactory(user=operator, site=world.mentor_profile.site)
        with pytest.raises(PermissionDenied):
            directory.mentor_update(
                mentor=mentor,
                by=world.admin,
                email="me@attacker.test",
                first_name="x",
                last_name="y",
                site=mentor.site,
            )
        operator.refresh_from_db()
        assert operator.email != "me@attacker.test"


class TestPlacementRules:
    def test_an_expired_check_is_refused_when_proposed_even_for_a_past_first_day(self, world):
        world.mentor_profile.check_expires_on = world.school.today() - timedelta(days=5)
        world.mentor_profile.save()
        start = world.school.today() - timedelta(days=20)
        with pytest.raises(ValidationError) as error:
            propose(world, start_on=start, review_on=None)
        assert "expired" in error.value.message_dict["mentor"][0]

    def test_the_mentor_sees_the_internship_only_from_the_familys_consent(self, client, world):
        proposed = propose(world)
        client.force_login(world.mentor)
        assert client.get(proposed.get_absolute_url()).status_code == 404
        consented = placement(
            world, status="consented", end_on=world.school.today() + timedelta(90)
        )
        assert client.get(consented.get_absolute_url()).status_code == 200

    def test_a_change_after_approval_is_announced_to_the_advisor(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        proposed = propose(world)
        pipeline.placement_approve(placement=proposed, by=world.advisor)
        with django_capture_on_commit_callbacks(execute=True):
            pipeline.placement_update(placement=proposed, by=world.student.user, project="Y")
        proposed.refresh_from_db()
        assert proposed.status == Placement.Status.PROPOSED
        assert any(world.advisor.email in m.to for m in mailoutbox)

    def test_odd_digits_in_a_query_string_are_ignored(self, client_as, world):
        client = client_as("admin")
        assert client.get(reverse("internships:mentor-list") + "?site=%C2%B2").status_code == 200
        url = reverse("internships:placement-propose", args=[world.student.pk])
        assert client.get(url + "?opportunity=%C2%B2").status_code == 200


class TestHours:
    def checked_out(self, world, hours="6"):
        from django.utils import timezone

        return factories.DailyLogFactory(
            placement=placement(world), hours=Decimal(hours), checked_out_at=timezone.now()
        )

    def test_a_dispute_must_say_the_hours_the_mentor_stands_by(self, world):
        log = self.checked_out(world)
        with pytest.raises(ValidationError) as error:
            logs.log_review(log=log, by=world.mentor, decision="disputed", comment="Not here")
        assert "confirmed_hours" in error.value.error_dict
        logs.log_review(
            log=log, by=world.mentor, decision="disputed", confirmed_hours=0, comment="Not here"
        )
        placement = Placement.objects.get(pk=log.placement_id)
        progress = placement_hours(placement, with_progress=True)[1]
        assert (progress.claimed, progress.confirmed) == (6, 0)

    def test_no_more_hours_confirmed_than_claimed(self, world):
        log = self.checked_out(world, hours="2")
        with pytest.raises(ValidationError) as error:
            logs.log_review(log=log, by=world.mentor, decision="confirmed", confirmed_hours=24)
        assert "confirmed_hours" in error.value.error_dict

    def test_a_finished_internships_days_can_no_longer_change(self, world):
        log = self.checked_out(world)
        Placement.objects.filter(pk=log.placement_id).update(status="completed")
        log.placement.refresh_from_db()
        with pytest.raises(ValidationError):
            logs.log_check_out(
                log=log,
                by=world.student.user,
                did="x",
                hours=Decimal(23),
                learning=3,
                engagement=3,
                support=3,
            )
        assert DailyLog.objects.get(pk=log.pk).hours == 6


def test_signing_in_spends_every_other_link_of_the_mentor(world):
    first, _link = SignInLink.objects.issue(user=world.mentor)
    second, _link = SignInLink.objects.issue(user=world.mentor)
    assert portal.sign_in_link_redeem(token=first) == world.mentor
    with pytest.raises(portal.LinkRefused):
        portal.sign_in_link_redeem(token=second)


def test_a_proposed_sites_cluster_reaches_each_admin_in_their_language(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import translation

    world.student.user.language = "es"
    world.student.user.save()
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        directory.site_propose(
            student=world.student,
            by=world.student.user,
            organization="Clinica del Puerto",
            address="1 Dock St",
            cluster="health",
            why="Quiero ser enfermera",
        )
    (email,) = [m for m in mailoutbox if world.admin.email in m.to]
    assert "Health science" in email.body
