"""The mentor's pages: the internships they mentor with the days waiting for them, and the
conversation with the student's advisor."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigpicture.models import Notification
from internships.models import Message
from internships.services import portal as services
from tests import factories

MINE = reverse("internships:mentor-internships")


def _placement(world, student=None, mentor=None, **fields):
    mentor = mentor or world.mentor_profile
    return factories.PlacementFactory(
        student=student or world.student, site=mentor.site, mentor=mentor, **fields
    )


def _log(placement, days_ago: int, *, checked_out=True, review="claimed"):
    return factories.DailyLogFactory(
        placement=placement,
        on=placement.student.school.today() - timedelta(days=days_ago),
        checked_out_at=timezone.now() if checked_out else None,
        review=review,
    )


class TestMentorsInterns:
    def test_the_mentor_sees_their_interns_and_the_days_waiting(self, client_as, world):
        placement = _placement(world, project="Restore a dinghy", days=["tue", "thu"])
        _log(placement, 1)
        _log(placement, 3)
        _log(placement, 5, review="confirmed")
        _log(placement, 7, checked_out=False)  # not finished by the student: not waiting
        someone_else = factories.MentorProfileFactory(site=world.mentor_profile.site)
        _placement(world, student=world.other_student, mentor=someone_else, project="Not mine")
        page = client_as("mentor").get(MINE).content.decode()
        assert world.student.display_name in page
        assert "Restore a dinghy" in page and "Tuesday, Thursday" in page
        assert "2 days to confirm" in page
        assert "Not mine" not in page and world.other_student.display_name not in page
        assert reverse("internships:placement-messages", args=[placement.pk]) in page

    def test_running_internships_come_first(self, client_as, world):
        today = world.school.today()
        _placement(
            world,
            project="Last year",
            status="completed",
            start_on=today - timedelta(days=300),
            end_on=today - timedelta(days=200),
        )
        _placement(world, student=world.other_student, project="Now")
        page = client_as("mentor").get(MINE).content.decode()
        assert page.index("Now") < page.index("Last year")

    def test_the_list_costs_the_same_for_few_and_many_interns(self, client_as, world):
        client = client_as("mentor")
        _log(_placement(world), 1)
        client.get(MINE)  # the current school year (evaluations due) is cached once a day
        with CaptureQueriesContext(connection) as few:
            assert client.get(MINE).status_code == 200
        for _ in range(12):
            student = factories.StudentFactory(school=world.school)
            placement = _placement(world, student=student)
            _log(placement, 1)
            _log(placement, 2, review="disputed")
        with CaptureQueriesContext(connection) as many:
            page = client.get(MINE).content.decode()
        assert page.count("1 day to confirm") == 13
        assert len(many) == len(few)


class TestMessages:
    def test_the_mentor_writes_to_the_advisor(
        self, client_as, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        placement = _placement(world)
        url = reverse("internships:placement-message", args=[placement.pk])
        client = client_as("mentor")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"body": "Ana was great today."})
        assert response.status_code == 302
        assert response.url == reverse("internships:placement-messages", args=[placement.pk])
        message = Message.objects.get()
        assert (message.author, message.body) == (world.mentor, "Ana was great today.")
        assert [m.to for m in mailoutbox] == [[world.advisor.email]]
        assert "Ana was great today." in mailoutbox[0].body
        assert Notification.objects.get().kind == "internships"
        page = client.get(response.url).content.decode()
        assert "Ana was great today." in page and "Your message is sent." in page

    def test_the_advisor_answers_the_mentor(
        self, client_as, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        placement = _placement(world)
        url = reverse("internships:placement-message", args=[placement.pk])
        with django_capture_on_commit_callbacks(execute=True):
            client_as("advisor").post(url, {"body": "Thank you!"})
        assert [m.to for m in mailoutbox] == [[world.mentor.email]]
        assert f"/internships/placements/{placement.pk}/messages/" in mailoutbox[0].body

    def test_an_admin_reads_and_writes_to_the_mentor(
        self, client_as, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        placement = _placement(world)
        Message.objects.create(placement=placement, author=world.advisor, body="Earlier note")
        client = client_as("admin")
        page = client.get(reverse("internships:placement-messages", args=[placement.pk]))
        assert "Earlier note" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("internships:placement-message", args=[placement.pk]), {"body": "Hi"}
            )
        assert [m.to for m in mailoutbox] == [[world.mentor.email]]

    def test_with_no_advisor_the_admins_hear_from_the_mentor(self, world):
        student = factories.StudentFactory(school=world.school)
        placement = _placement(world, student=student)
        services.message_send(placement=placement, by=world.mentor, body="Who do I tell?")
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [world.admin.pk]

    def test_an_empty_message_is_refused_by_the_field(self, client_as, world):
        placement = _placement(world)
        url = reverse("internships:placement-message", args=[placement.pk])
        response = client_as("mentor").post(url, {"body": "   "})
        assert response.status_code == 200
        assert "body" in response.context["form"].errors
        assert not Message.objects.exists()
        assert not Notification.objects.exists()

    def test_another_mentors_intern_is_out_of_reach(self, client_as, world):
        someone_else = factories.MentorProfileFactory(site=world.mentor_profile.site)
        placement = _placement(world, mentor=someone_else)
        client = client_as("mentor")
        assert (
            client.get(reverse("internships:placement-messages", args=[placement.pk])).status_code
            == 404
        )
        response = client.post(
            reverse("internships:placement-message", args=[placement.pk]), {"body": "x"}
        )
        assert response.status_code == 404
        with pytest.raises(PermissionDenied):
            services.message_send(placement=placement, by=world.mentor, body="x")
        assert not Message.objects.exists()

    @pytest.mark.parametrize("role", ["student", "guardian"])
    def test_students_and_families_do_not_take_part(self, client_as, world, role):
        placement = _placement(world)
        client = client_as(role)
        assert (
            client.get(reverse("internships:placement-messages", args=[placement.pk])).status_code
            == 403
        )
        response = client.post(
            reverse("internships:placement-message", args=[placement.pk]), {"body": "x"}
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            services.message_send(placement=placement, by=world.person(role), body="x")

    def test_another_advisors_student_is_out_of_reach(self, world):
        placement = _placement(world, student=world.other_student)
        with pytest.raises(PermissionDenied):
            services.message_send(placement=placement, by=world.advisor, body="x")

    def test_a_blank_body_is_refused_by_the_service(self, world):
        with pytest.raises(ValidationError) as refused:
            services.message_send(placement=_placement(world), by=world.mentor, body="\n ")
        assert list(refused.value.message_dict) == ["body"]
