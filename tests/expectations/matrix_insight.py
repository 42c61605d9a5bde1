"""Access matrix cases for the expectations' profile, tags, advisory and school pages (see
tests/bigpicture/test_access_matrix.py)."""

from tests import factories
from tests.bigpicture.matrix import expect


def _item(w, student=None):
    student = student or w.student
    return factories.PlanItemFactory(plan__student=student, plan__term=w.term).pk


def _placement(w, student=None):
    return factories.PlacementFactory(student=student or w.student).pk


def _exhibition(w, student=None):
    return factories.ExhibitionFactory(student=student or w.student, term=w.term).pk


LEARNING_TEAM = expect(admin=200, advisor=200, student=200, guardian=200, admin2=404)
OTHERS_OF_TEAM = expect(admin=200, advisor=404, student=404, guardian=404, admin2=404)
TAGGERS = expect(admin=200, advisor=200, student=200, admin2=404)
OTHER_TAGGERS = expect(admin=200, advisor=404, student=404, admin2=404)

CASES = [
    ("expectations:profile", lambda w: {"pk": w.student.pk}, LEARNING_TEAM),
    ("expectations:profile", lambda w: {"pk": w.other_student.pk}, OTHERS_OF_TEAM),
    ("expectations:tags", lambda w: {"kind": "item", "pk": _item(w)}, TAGGERS),
    (
        "expectations:tags",
        lambda w: {"kind": "item", "pk": _item(w, w.other_student)},
        OTHER_TAGGERS,
    ),
    ("expectations:tags", lambda w: {"kind": "internship", "pk": _placement(w)}, TAGGERS),
    (
        "expectations:tags",
        lambda w: {"kind": "internship", "pk": _placement(w, w.other_student)},
        OTHER_TAGGERS,
    ),
    ("expectations:tags", lambda w: {"kind": "exhibition", "pk": _exhibition(w)}, TAGGERS),
    (
        "expectations:tags",
        lambda w: {"kind": "exhibition", "pk": _exhibition(w, w.other_student)},
        OTHER_TAGGERS,
    ),
    (
        "expectations:tags",
        lambda w: {"kind": "essay", "pk": _item(w)},
        expect(admin=404, advisor=404, student=404, admin2=404),
    ),
    (
        "expectations:advisory",
        lambda w: {"pk": w.advisory.pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "expectations:advisory",
        lambda w: {"pk": w.other_advisory.pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
    ("expectations:school", lambda w: {"pk": w.school.pk}, expect(admin=200, admin2=404)),
    ("expectations:school", lambda w: {"pk": w.school2.pk}, expect(admin=404, admin2=200)),
]
