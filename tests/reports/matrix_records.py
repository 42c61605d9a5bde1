"""Access matrix cases for the record of access (see tests/bigpicture/test_access_matrix.py)."""

from tests.bigpicture.matrix import ADMINS, ADMINS_OF_ROW, expect

CASES = [
    ("reports:access-list", lambda w: {}, ADMINS),
    ("reports:access-student", lambda w: {"pk": w.student.pk}, ADMINS_OF_ROW),
    ("reports:access-student", lambda w: {"pk": w.student2.pk}, expect(admin=404, admin2=200)),
    (
        "reports:access-student-export",
        lambda w: {"pk": w.student.pk, "format": "csv"},
        ADMINS_OF_ROW,
    ),
    (
        "reports:access-student-export",
        lambda w: {"pk": w.student.pk, "format": "pdf"},
        ADMINS_OF_ROW,
    ),
    (
        "reports:access-student-export",
        lambda w: {"pk": w.student.pk, "format": "xls"},
        expect(admin=404, admin2=404),
    ),
]
