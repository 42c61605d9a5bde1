"""Access matrix cases for the daily log pages (see tests/bigpicture/test_access_matrix.py)."""

from tests import factories
from tests.bigpicture.matrix import expect


def _placement(w, student=None):
    """A placement of the world's student mentored by the world's mentor; for another
    student, a placement with another mentor at another site."""
    if student is None:
        return factories.PlacementFactory(
            student=w.student, mentor=w.mentor_profile, site=w.mentor_profile.site
        )
    return factories.PlacementFactory(student=student)


def _log(w, student=None, **fields):
    fields.setdefault("on", w.school.today())
    return factories.DailyLogFactory(placement=_placement(w, student), **fields)


def _checked_out(w, student=None):
    from django.utils import timezone

    return _log(w, student, checked_out_at=timezone.now())


READERS = expect(admin=200, advisor=200, student=200, guardian=200, mentor=200, admin2=404)
OTHERS = expect(admin=200, advisor=404, student=404, guardian=404, mentor=404, admin2=404)

CASES = [
    ("internships:placement-logs", lambda w: {"pk": _placement(w).pk}, READERS),
    ("internships:placement-logs", lambda w: {"pk": _placement(w, w.other_student).pk}, OTHERS),
    ("internships:log-check-in", lambda w: {"pk": _placement(w).pk}, expect(student=200)),
    (
        "internships:log-check-in",
        lambda w: {"pk": _placement(w, w.other_student).pk},
        expect(student=404),
    ),
    ("internships:log-check-out", lambda w: {"pk": _log(w).pk}, expect(student=200)),
    (
        "internships:log-check-out",
        lambda w: {"pk": _log(w, w.other_student).pk},
        expect(student=404),
    ),
    ("internships:log-review", lambda w: {"pk": _checked_out(w).pk}, expect(mentor=200)),
    (
        "internships:log-review",
        lambda w: {"pk": _checked_out(w, w.other_student).pk},
        expect(mentor=404),
    ),
    ("internships:mentor-logs", None, expect(mentor=200)),
    ("internships:mentor-logs-confirm", None, expect(mentor=405)),  # POST only
    (
        "internships:advisory-internships",
        lambda w: {"pk": w.advisory.pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "internships:advisory-internships",
        lambda w: {"pk": w.other_advisory.pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
    ("internships:hours-targets", lambda w: {"pk": w.school.pk}, expect(admin=200, admin2=404)),
    ("internships:hours-targets", lambda w: {"pk": w.school2.pk}, expect(admin=404, admin2=200)),
]
