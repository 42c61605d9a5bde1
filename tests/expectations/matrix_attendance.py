"""Access matrix cases for the attendance pages (see tests/bigpicture/test_access_matrix.py)."""

from tests.bigpicture.matrix import expect

CASES = [
    (
        "expectations:attendance-take",
        lambda w: {"pk": w.advisory.pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "expectations:attendance-take",
        lambda w: {"pk": w.other_advisory.pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
    (
        "expectations:attendance-student",
        lambda w: {"pk": w.student.pk},
        expect(admin=200, advisor=200, student=200, guardian=200, admin2=404),
    ),
    (
        "expectations:attendance-student",
        lambda w: {"pk": w.other_student.pk},
        expect(admin=200, advisor=404, student=404, guardian=404, admin2=404),
    ),
]
