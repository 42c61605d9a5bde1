"""A family declines consent with a reason, or asks a question instead (issue 15, item 7); the
advisor is told, and sees the families to call on the advisory's internships page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigpicture.models import Notification
from internships.models import Placement, PlacementEvent
from internships.services import pipeline as services
from tests import factories
from tests.internships.matrix_pipeline import placement

Status = Placement.Status


@pytest.fixture
def approved(world):
    return placement(
        world, status="approved", approved_by=world.advisor, proposed_by=world.student.user
    )


def _decline_url(placement_):
    return reverse("internships:consent-decline", args=[placement_.pk])


class TestDecline:
    def test_the_guardian_declines_with_a_reason_and_the_advisor_is_told(
        self, client_as, world, approved
    ):
        response = client_as("guardian").post(
            _decline_url(approved), {"reason": "The site is too far from home."}
        )
        assert response.status_code == 302
        approved.refresh_from_db()
        assert (approved.status, approved.approved_by_id) == (Status.PROPOSED, None)
        event = approved.events.get()
        assert (event.kind, event.note, event.by) == (
            "declined",
            "The site is too far from home.",
            world.guardian,
        )
        row = Notification.objects.get(rule="placement_consent_declined")
        assert row.recipient == world.advisor
        assert row.context["note"] == "The site is too far from home."

    def test_the_advisor_reads_the_reason_on_the_placement(self, client_as, world, approved):
        services.placement_decline(placement=approved, by=world.guardian, reason="Too far.")
        page = client_as("advisor").get(approved.get_absolute_url()).content.decode()
        assert "declined consent" in page and "Too far." in page
        assert "Consent declined by the family" in page

    def test_the_mentor_and_the_student_do_not_read_the_reason(self, client_as, world, approved):
        services.placement_decline(placement=approved, by=world.guardian, reason="Private words")
        page = client_as("student").get(approved.get_absolute_url()).content.decode()
        assert "Private words" not in page

    def test_a_reason_is_required_next_to_the_field_and_nothing_is_written(
        self, client_as, world, approved
    ):
        response = client_as("guardian").post(_decline_url(approved), {"reason": "   "})
        assert response.status_code == 200
        assert "Say why you do not consent" in response.content.decode()
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED and not approved.events.exists()
        assert not Notification.objects.filter(rule="placement_consent_declined").exists()

    def test_only_the_students_own_guardians_may_decline(self, client_as, world, approved):
        other = factories.GuardianLinkFactory(student=world.other_student).guardian
        client = client_as("guardian")
        client.force_login(other)
        assert client.post(_decline_url(approved), {"reason": "No"}).status_code == 404
        assert client_as("advisor").post(_decline_url(approved), {"reason": "x"}).status_code == 403
        with pytest.raises(PermissionDenied):
            services.placement_decline(placement=approved, by=other, reason="No")
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED

    def test_a_placement_no_longer_waiting_cannot_be_declined(self, client_as, world):
        active = placement(world, status="active")
        client = client_as("guardian")
        assert client.get(_decline_url(active)).status_code == 302
        response = client.post(_decline_url(active), {"reason": "Too late"})
        assert "cannot be taken now" in response.content.decode()
        assert not PlacementEvent.objects.filter(placement=active).exists()

    def test_approving_again_asks_the_family_again(self, world, approved):
        services.placement_decline(placement=approved, by=world.guardian, reason="Too far.")
        services.placement_approve(placement=approved, by=world.advisor)
        assert approved.status == Status.APPROVED
        requests = Notification.objects.filter(rule="placement_consent_request")
        assert requests.filter(recipient=world.guardian).exists()


class TestQuestion:
    def test_the_question_reaches_the_advisor_and_consent_still_waits(
        self, client_as, world, approved
    ):
        url = reverse("internships:consent-question", args=[approved.pk])
        response = client_as("guardian").post(url, {"question": "Who drives her there?"})
        assert response.status_code == 302
        approved.refresh_from_db()
        assert approved.status == Status.APPROVED
        assert approved.events.get().kind == "question"
        row = Notification.objects.get(rule="placement_family_question")
        assert row.recipient == world.advisor
        page = client_as("advisor").get(approved.get_absolute_url()).content.decode()
        assert "Who drives her there?" in page and "Question from the family" in page

    def test_an_empty_question_is_refused(self, client_as, world, approved):
        url = reverse("internships:consent-question", args=[approved.pk])
        response = client_as("guardian").post(url, {"question": ""})
        assert "Write your question for the advisor" in response.content.decode()
        assert not approved.events.exists()


class TestFamiliesToCall:
    def test_a_guardian_without_email_gets_no_consent_request(self, world):
        world.guardian.email, world.guardian.phone = None, "+12025550143"
        world.guardian.save()
        pending = placement(world, status="proposed", proposed_by=world.student.user)
        services.placement_approve(placement=pending, by=world.advisor)
        assert not Notification.objects.filter(recipient=world.guardian).exists()

    def _page(self, client, world) -> str:
        url = reverse("internships:advisory-internships", args=[world.advisory.pk])
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    def test_the_advisor_sees_the_families_to_call_with_their_phones(
        self, client_as, world, approved
    ):
        world.guardian.email, world.guardian.phone = None, "+12025550143"
        world.guardian.save()
        page = self._page(client_as("advisor"), world)
        assert "Waiting for the family" in page
        assert "1 family to call" in page and "Call the family" in page
        assert 'href="tel:+12025550143">(202) 555-0143</a>' in page

    def test_a_family_reachable_online_is_not_marked(self, client_as, world, approved):
        page = self._page(client_as("advisor"), world)
        assert approved.site.organization in page
        assert "Call the family" not in page

    def test_the_page_costs_the_same_with_more_waiting_consents(
        self, client_as, world, django_assert_num_queries
    ):
        placement(world, status="approved", approved_by=world.advisor)
        client = client_as("advisor")
        self._page(client, world)
        with CaptureQueriesContext(connection) as few:
            self._page(client, world)
        for _ in range(4):
            member = factories.MembershipFactory(advisory=world.advisory)
            factories.GuardianLinkFactory(student=member.student)
            placement(world, student=member.student, status="approved")
        with django_assert_num_queries(len(few)):
            page = self._page(client, world)
        assert page.count("approved ") >= 5
