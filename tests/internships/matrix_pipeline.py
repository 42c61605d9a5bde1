"""Access matrix cases for the pipeline pages: the student's internships, explorations, the
proposal and its agreement, the placement and its steps, site visits and evaluations."""

from tests import factories
from tests.bigpicture.matrix import expect


def placement(w, student=None, status="active", mentor=None, **fields):
    """A placement of the world's student (mentored by the world's mentor), or another's."""
    mentor = mentor or (w.mentor_profile if student is None else None)
    if mentor is None:
        mentor = factories.MentorProfileFactory(site__school=w.school)
    return factories.PlacementFactory(
        student=student or w.student,
        site=mentor.site,
        mentor=mentor,
        status=status,
        **fields,
    )


def _own(w, **fields):
    return {"pk": placement(w, **fields).pk}


def _other(w, **fields):
    return {"pk": placement(w, student=w.other_student, **fields).pk}


def _proposed(w, student=None):
    student = student or w.student
    return placement(w, student=student, status="proposed", proposed_by=student.user)


READERS = expect(admin=200, advisor=200, student=200, guardian=200, admin2=404)
OTHERS = expect(admin=200, advisor=404, student=404, guardian=404, admin2=404)
TEAM = expect(admin=200, advisor=200, student=200, admin2=404)
TEAM_OTHERS = expect(admin=200, advisor=404, student=404, admin2=404)
EVERYONE = expect(admin=200, advisor=200, student=200, guardian=200, mentor=200, admin2=404)
NOBODY_BUT_ADMIN = expect(admin=200, advisor=404, student=404, guardian=404, mentor=404, admin2=404)
# POST-only: the placement is looked up first (404 out of reach), then the method refused.
STEP = expect(admin=405, advisor=405, student=405, guardian=405, mentor=405, admin2=404)
STEP_OTHERS = expect(admin=405, advisor=404, student=404, guardian=404, mentor=404, admin2=404)
LEADERS = expect(admin=200, advisor=200, admin2=404)
LEADERS_OTHERS = expect(admin=200, advisor=404, admin2=404)

CASES = [
    ("internships:student-internships", lambda w: {"pk": w.student.pk}, READERS),
    ("internships:student-internships", lambda w: {"pk": w.other_student.pk}, OTHERS),
    ("internships:exploration-create", lambda w: {"pk": w.student.pk}, TEAM),
    ("internships:exploration-create", lambda w: {"pk": w.other_student.pk}, TEAM_OTHERS),
    ("internships:placement-propose", lambda w: {"pk": w.student.pk}, TEAM),
    ("internships:placement-propose", lambda w: {"pk": w.other_student.pk}, TEAM_OTHERS),
    ("internships:placement-detail", _own, EVERYONE),
    ("internships:placement-detail", _other, NOBODY_BUT_ADMIN),
    ("internships:placement-update", lambda w: {"pk": _proposed(w).pk}, TEAM),
    (
        "internships:placement-update",
        lambda w: {"pk": _proposed(w, w.other_student).pk},
        TEAM_OTHERS,
    ),
    ("internships:placement-step", _own, STEP),
    ("internships:placement-step", _other, STEP_OTHERS),
    ("internships:consent-decline", lambda w: _own(w, status="approved"), expect(guardian=200)),
    ("internships:consent-decline", lambda w: _other(w, status="approved"), expect(guardian=404)),
    ("internships:consent-question", lambda w: _own(w, status="approved"), expect(guardian=200)),
    (
        "internships:consent-question",
        lambda w: _other(w, status="approved"),
        expect(guardian=404),
    ),
    ("internships:visit-create", _own, LEADERS),
    ("internships:visit-create", _other, LEADERS_OTHERS),
    ("internships:evaluation-write", _own, expect(mentor=200)),
    ("internships:evaluation-write", _other, expect(mentor=404)),
]


# --- helpers shared by the pipeline tests ----------------------------------------------------


def agreement(w, **overrides) -> dict:
    """A sound agreement at the world's mentor's site, starting next week."""
    from datetime import time, timedelta

    start = w.school.today() + timedelta(days=7)
    return {
        "site": w.mentor_profile.site,
        "mentor": w.mentor_profile,
        "project": "Build a tide gauge",
        "project_description": "Measure the tides at the pier for a month.",
        "days": ["tue", "thu"],
        "starts_at_time": time(9, 0),
        "ends_at_time": time(13, 0),
        "start_on": start,
        "end_on": start + timedelta(days=90),
        "review_on": start + timedelta(days=45),
        **overrides,
    }


def propose(w, by=None, **overrides):
    """The world's student proposes an internship with the world's mentor."""
    from internships.services import pipeline as services

    return services.placement_propose(
        student=w.student, by=by or w.student.user, **agreement(w, **overrides)
    )
