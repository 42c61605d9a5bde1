"""Access matrix cases for the meetings pages (see tests/bigpicture/test_access_matrix.py)."""

from tests import factories
from tests.bigpicture.matrix import NOWHERE, PUBLIC, expect


def mentoring(w, student=None, **fields):
    """Make the world's mentor the mentor of a student's internship (active by default): only
    then may they be invited to the student's meetings or sit on the student's panels."""
    return factories.PlacementFactory(
        student=student or w.student, site=w.mentor_profile.site, mentor=w.mentor_profile, **fields
    )


def team_meeting(w):
    """A meeting of the world's student with the whole learning team (their mentor too)."""
    from students.models import MeetingInvite

    mentoring(w)
    meeting = factories.MeetingFactory(student=w.student, term=w.term, advisor=w.advisor)
    for person, role in (
        (w.student.user, "student"),
        (w.guardian, "guardian"),
        (w.mentor, "mentor"),
        (w.advisor, "advisor"),
    ):
        MeetingInvite.objects.create(meeting=meeting, person=person, role=role)
    return meeting


def other_meeting(w):
    """A meeting of a student in another advisory, with nobody invited."""
    return factories.MeetingFactory(student=w.other_student, term=w.term, advisor=w.other_advisor)


def own(w):
    return {"pk": team_meeting(w).pk}


def others(w):
    return {"pk": other_meeting(w).pk}


def feed_token(w):
    from students.models import CalendarFeed

    CalendarFeed.objects.create(person=w.guardian, token_hash=CalendarFeed.hash("a-valid-token"))
    return {"token": "a-valid-token"}


TEAM = expect(default=200, admin2=404)  # the invited team, the family and staff
ONLY_ADMIN = expect(default=404, admin=200)
STAFF_OF_ROW = expect(admin=200, advisor=200, admin2=404)
STAFF_OF_OTHER = expect(admin=200, advisor=404, admin2=404)

CASES = [
    (
        "students:meeting-list",
        lambda w: {"pk": w.student.pk},
        expect(admin=200, advisor=200, student=200, guardian=200, admin2=404),
    ),
    (
        "students:meeting-list",
        lambda w: {"pk": w.other_student.pk},
        expect(admin=200, advisor=404, student=404, guardian=404, admin2=404),
    ),
    ("students:meeting-create", lambda w: {"pk": w.student.pk}, STAFF_OF_ROW),
    ("students:meeting-create", lambda w: {"pk": w.other_student.pk}, STAFF_OF_OTHER),
    ("students:meeting-detail", own, TEAM),
    ("students:meeting-detail", others, ONLY_ADMIN),
    ("students:meeting-update", own, STAFF_OF_ROW),
    ("students:meeting-update", others, STAFF_OF_OTHER),
    ("students:meeting-record", own, STAFF_OF_ROW),
    ("students:meeting-record", others, STAFF_OF_OTHER),
    # POST-only actions: GET is refused (405) once the meeting is within reach
    ("students:meeting-cancel", own, expect(admin=405, advisor=405, admin2=404)),
    ("students:meeting-cancel", others, expect(admin=405, advisor=404, admin2=404)),
    ("students:meeting-respond", own, expect(default=405, admin2=404)),
    ("students:meeting-respond", others, expect(default=404, admin=405)),
    ("students:meeting-ics", own, TEAM),
    ("students:meeting-ics", others, ONLY_ADMIN),
    ("students:calendar", None, expect(default=200)),
    ("students:calendar-reset", None, expect(default=405)),
    # the private feed: open without signing in, for the right secret only
    ("students:calendar-feed", feed_token, PUBLIC),
    ("students:calendar-feed", lambda w: {"token": "bogus-token"}, NOWHERE),
]


# --- builders shared with the meeting tests ---------------------------------------------------

MEETING_DATA = {"duration": 45, "place": "Room 12", "video_url": "", "agenda": "The term's goals"}


def schedule(w, *, by=None, student=None, **changes):
    """Schedule a meeting through the service: a week ahead, with the world's guardian."""
    from students.services.meetings import meeting_schedule

    data = {
        **MEETING_DATA,
        "starts_at": factories.soon(7, 15),
        "guardians": [w.guardian],
        "mentor": None,
        **changes,
    }
    return meeting_schedule(student=student or w.student, by=by or w.advisor, **data)


def details_of(meeting, **changes) -> dict:
    """A meeting's details as the update service takes them, with some changed."""
    guardians = [i.person for i in meeting.invites.filter(role="guardian")]
    mentor = meeting.invites.filter(role="mentor").first()
    return {
        "starts_at": meeting.starts_at,
        "duration": meeting.duration,
        "place": meeting.place,
        "video_url": meeting.video_url,
        "agenda": meeting.agenda,
        "guardians": guardians,
        "mentor": mentor.person if mentor else None,
        **changes,
    }
