"""Who keeps sight of meetings and exhibitions when the family's link changes, and who
sees a gateway's outcome."""

from django.utils import timezone

from students.models import MeetingInvite, Panelist
from students.selectors.meetings import feed_exhibitions, feed_meetings
from students.services.profile import guardian_unlink
from tests import factories
from tests.students.matrix_meetings import mentoring


def test_an_unlinked_guardian_loses_the_students_meetings_and_exhibitions(client, world):
    meeting = factories.MeetingFactory(
        student=world.student, term=world.term, advisor=world.advisor
    )
    MeetingInvite.objects.create(meeting=meeting, person=world.guardian, role="guardian")
    exhibition = factories.ExhibitionFactory(student=world.student, term=world.term)
    Panelist.objects.create(exhibition=exhibition, person=world.guardian, role="guardian")
    client.force_login(world.guardian)
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert feed_meetings(world.guardian) == [meeting]

    guardian_unlink(link=world.link, by=world.admin)

    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(exhibition.get_absolute_url()).status_code == 404
    assert feed_meetings(world.guardian) == []
    assert feed_exhibitions(world.guardian) == []
    assert not MeetingInvite.objects.filter(person=world.guardian).exists()


def test_an_invited_mentor_sees_the_meeting_and_nobody_else_outside_the_team(client, world):
    meeting = factories.MeetingFactory(
        student=world.student, term=world.term, advisor=world.advisor
    )
    client.force_login(world.mentor)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    MeetingInvite.objects.create(meeting=meeting, person=world.mentor, role="mentor")
    assert client.get(meeting.get_absolute_url()).status_code == 404  # not the student's mentor
    mentoring(world)
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_a_peer_on_the_panel_does_not_see_a_gateway_outcome(client, world):
    exhibition = factories.ExhibitionFactory(
        student=world.student,
        term=world.term,
        gateway="year_two",
        outcome="not_yet",
        status="held",
        starts_at=timezone.now() - timezone.timedelta(days=1),
    )
    Panelist.objects.create(exhibition=exhibition, person=world.other_student.user, role="peer")
    client.force_login(world.other_student.user)
    page = client.get(exhibition.get_absolute_url()).content.decode()
    assert "Not yet: present again" not in page
    client.force_login(world.guardian)
    assert "Not yet: present again" in client.get(exhibition.get_absolute_url()).content.decode()
