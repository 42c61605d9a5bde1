"""Access matrix cases for the engagement pages (see tests/bigpicture/test_access_matrix.py)."""

from tests.bigpicture.matrix import ADMINS_OF_ROW, expect


def own(w):
    return {"pk": w.student.pk}


def others(w):
    return {"pk": w.other_student.pk}


def school(w):
    return {"pk": w.school.pk}


def school2(w):
    return {"pk": w.school2.pk}


LED = expect(admin=200, advisor=200, admin2=404)  # the advisor and the school's admins
LED_OTHERS = expect(admin=200, advisor=404, admin2=404)  # another advisory's student
OTHER_SCHOOL = expect(admin=404, admin2=200)

CASES = [
    ("expectations:engagement-list", school, ADMINS_OF_ROW),
    ("expectations:engagement-list", school2, OTHER_SCHOOL),
    ("expectations:engagement-settings", school, ADMINS_OF_ROW),
    ("expectations:engagement-settings", school2, OTHER_SCHOOL),
    ("expectations:engagement-student", own, LED),
    ("expectations:engagement-student", others, LED_OTHERS),
    # POST only: a GET is refused (405) once the student is within reach
    ("expectations:engagement-refresh", own, expect(admin=405, advisor=405, admin2=404)),
    ("expectations:engagement-refresh", others, expect(admin=405, advisor=404, admin2=404)),
    ("expectations:check-in-create", own, LED),
    ("expectations:check-in-create", others, LED_OTHERS),
]
