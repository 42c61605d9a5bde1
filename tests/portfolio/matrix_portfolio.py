"""Access matrix cases for the portfolio (see tests/bigpicture/test_access_matrix.py)."""

from tests.bigpicture.matrix import ADMINS_OF_ROW, expect

CASES = [
    (
        "portfolio:student",
        lambda w: {"pk": w.student.pk},
        expect(admin=200, advisor=200, student=200, guardian=200, admin2=404),
    ),
    (
        "portfolio:student",
        lambda w: {"pk": w.other_student.pk},
        expect(admin=200, advisor=404, student=404, guardian=404, admin2=404),
    ),
    (
        "portfolio:advisory-batch",
        lambda w: {"pk": w.advisory.pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "portfolio:advisory-batch",
        lambda w: {"pk": w.other_advisory.pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
    ("portfolio:level-batch", lambda w: {"pk": w.school.pk}, ADMINS_OF_ROW),
]
