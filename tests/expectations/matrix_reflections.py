"""Access matrix cases for the reflections pages and the school's wording of the
expectations (see tests/bigpicture/test_access_matrix.py)."""

from tests import factories
from tests.bigpicture.matrix import ADMINS, ADMINS_OF_ROW, expect

# The student themself, a guardian of theirs and their advisor write; an admin reads.
LEARNING_TEAM = expect(admin=200, advisor=200, student=200, guardian=200, admin2=404)
ADMIN_ONLY = expect(admin=200, advisor=404, student=404, guardian=404, admin2=404)
NOBODY = expect(admin=404, advisor=404, student=404, guardian=404, admin2=404)


def _term2(w):
    """A term of the second school: out of reach from the first school's pages."""
    return factories.TermFactory(school_year__school=w.school2)


CASES = [
    ("expectations:expectation-list", None, ADMINS),
    (
        "expectations:expectation-update",
        lambda w: {"pk": factories.expectation("relevance").pk},
        ADMINS,
    ),
    ("expectations:term-due", lambda w: {"pk": w.term.pk}, ADMINS_OF_ROW),
    ("expectations:reflection", lambda w: {"pk": w.student.pk}, LEARNING_TEAM),
    ("expectations:reflection", lambda w: {"pk": w.other_student.pk}, ADMIN_ONLY),
    (
        "expectations:reflection-term",
        lambda w: {"pk": w.student.pk, "term": w.term.pk},
        LEARNING_TEAM,
    ),
    (
        "expectations:reflection-term",
        lambda w: {"pk": w.other_student.pk, "term": w.term.pk},
        ADMIN_ONLY,
    ),
    (
        "expectations:reflection-term",
        lambda w: {"pk": w.student.pk, "term": _term2(w).pk},
        NOBODY,
    ),
]
