"""Access matrix cases for the mentors' portal (see tests/bigpicture/test_access_matrix.py)."""

from tests import factories
from tests.bigpicture.matrix import NOWHERE, PUBLIC, expect

CONVERSATION = expect(admin=200, advisor=200, mentor=200, admin2=404)
OTHERS = expect(admin=200, advisor=404, mentor=404, admin2=404)
POST_ONLY = expect(admin=405, advisor=405, mentor=405, admin2=404)
POST_ONLY_OTHERS = expect(admin=405, advisor=404, mentor=404, admin2=404)


def _token(w) -> str:
    from internships.models import SignInLink

    token, _link = SignInLink.objects.issue(user=w.mentor)
    return token


def _placement(w):
    """The world's student, interning with the world's mentor."""
    site = w.mentor_profile.site
    return factories.PlacementFactory(student=w.student, site=site, mentor=w.mentor_profile).pk


def _other_placement(w):
    """Another advisory's student, with another mentor of the school."""
    return factories.PlacementFactory(student=w.other_student).pk


CASES = [
    ("internships:portal-sign-in", None, PUBLIC),
    ("internships:portal-link", lambda w: {"token": _token(w)}, PUBLIC),
    ("internships:portal-link", lambda w: {"token": "not-a-real-token"}, NOWHERE),
    ("internships:mentor-internships", None, expect(mentor=200)),
    ("internships:placement-messages", lambda w: {"pk": _placement(w)}, CONVERSATION),
    ("internships:placement-messages", lambda w: {"pk": _other_placement(w)}, OTHERS),
    ("internships:placement-message", lambda w: {"pk": _placement(w)}, POST_ONLY),
    ("internships:placement-message", lambda w: {"pk": _other_placement(w)}, POST_ONLY_OTHERS),
]
