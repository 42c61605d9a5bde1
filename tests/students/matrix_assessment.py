"""Access matrix cases for the assessment pages (see tests/bigpicture/test_access_matrix.py).

The student's narratives and exhibitions are read by the staff, the student and the family;
the advisor's narrative reaches the family only once published; exhibitions are also seen
by their panelists; writing is for the student (their own narrative) and the staff.
"""

from datetime import timedelta

from django.utils import timezone

from students.models import Narrative, Panelist
from tests import factories
from tests.bigpicture.matrix import expect
from tests.students.matrix_meetings import mentoring

STAFF_AND_FAMILY = expect(admin=200, advisor=200, student=200, guardian=200, admin2=404)
STAFF_ONLY_READ = expect(admin=200, advisor=200, student=404, guardian=404, admin2=404)
STAFF_NOT_FAMILY = expect(admin=200, advisor=200, student=200, guardian=404, admin2=404)
ADMIN_ONLY = expect(admin=200, advisor=404, student=404, guardian=404, admin2=404)
POST_ONLY = expect(admin=405, advisor=405, admin2=404)


def _narrative(w, kind=Narrative.Kind.ADVISOR, published=False):
    author = w.advisor if kind == Narrative.Kind.ADVISOR else w.student.user
    return factories.NarrativeFactory(
        student=w.student,
        term=w.term,
        kind=kind,
        author=author,
        published_at=timezone.now() if published else None,
    )


def _exhibition(w, student=None, **fields):
    return factories.ExhibitionFactory(
        student=student or w.student, term=w.term, created_by=w.advisor, **fields
    )


def _paneled(w, *, started=False):
    """An exhibition of the world's student with the advisor, the guardian and the student's
    internship mentor (who otherwise sees nothing of the student) on its panel."""
    mentoring(w)
    start = timezone.now() - timedelta(hours=1) if started else factories.soon(days=14)
    exhibition = _exhibition(w, starts_at=start)
    for person, role in [
        (w.advisor, Panelist.Role.ADVISOR),
        (w.guardian, Panelist.Role.GUARDIAN),
        (w.mentor, Panelist.Role.MENTOR),
    ]:
        Panelist.objects.create(exhibition=exhibition, person=person, role=role)
    return exhibition


CASES = [
    # --- narratives: a student's list, writing one, reading, rewriting, publishing
    ("students:narrative-list", lambda w: {"pk": w.student.pk}, STAFF_AND_FAMILY),
    ("students:narrative-list", lambda w: {"pk": w.other_student.pk}, ADMIN_ONLY),
    (
        "students:narrative-create",
        lambda w: {"pk": w.student.pk},
        expect(admin=200, advisor=200, student=200, admin2=404),
    ),
    (
        "students:narrative-create",
        lambda w: {"pk": w.other_student.pk},
        expect(admin=200, advisor=404, student=404, admin2=404),
    ),
    # the advisor's draft: staff only, until it is published to the student and family
    ("students:narrative-detail", lambda w: {"pk": _narrative(w).pk}, STAFF_ONLY_READ),
    (
        "students:narrative-detail",
        lambda w: {"pk": _narrative(w, published=True).pk},
        STAFF_AND_FAMILY,
    ),
    (
        "students:narrative-detail",
        lambda w: {"pk": _narrative(w, kind=Narrative.Kind.STUDENT).pk},
        STAFF_NOT_FAMILY,
    ),
    (
        "students:narrative-update",
        lambda w: {"pk": _narrative(w).pk},
        expect(admin=200, advisor=200, student=404, admin2=404),
    ),
    (
        "students:narrative-update",
        lambda w: {"pk": _narrative(w, kind=Narrative.Kind.STUDENT).pk},
        expect(admin=404, advisor=404, student=200, admin2=404),
    ),
    ("students:narrative-publish", lambda w: {"pk": _narrative(w).pk}, POST_ONLY),
    (
        "students:narrative-publish",
        lambda w: {"pk": _narrative(w, kind=Narrative.Kind.STUDENT).pk},
        expect(admin=404, advisor=404, admin2=404),
    ),
    # --- exhibitions
    ("students:exhibition-list", lambda w: {"pk": w.student.pk}, STAFF_AND_FAMILY),
    ("students:exhibition-list", lambda w: {"pk": w.other_student.pk}, ADMIN_ONLY),
    (
        "students:exhibition-create",
        lambda w: {"pk": w.student.pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "students:exhibition-create",
        lambda w: {"pk": w.other_student.pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
    (
        "students:exhibition-detail",
        lambda w: {"pk": _exhibition(w).pk},
        expect(admin=200, advisor=200, student=200, guardian=200, mentor=404, admin2=404),
    ),
    # the mentor sits on this panel: they see the exhibition
    (
        "students:exhibition-detail",
        lambda w: {"pk": _paneled(w).pk},
        expect(admin=200, advisor=200, student=200, guardian=200, mentor=200, admin2=404),
    ),
    (
        "students:exhibition-detail",
        lambda w: {"pk": _exhibition(w, student=w.other_student).pk},
        expect(admin=200, advisor=404, student=404, guardian=404, mentor=404, admin2=404),
    ),
    (
        "students:exhibition-update",
        lambda w: {"pk": _exhibition(w).pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "students:exhibition-update",
        lambda w: {"pk": _exhibition(w, student=w.other_student).pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
    # panelists with an account give their own feedback; the admin is not on this panel,
    # the student presents (not a panelist)
    (
        "students:exhibition-feedback",
        lambda w: {"pk": _paneled(w, started=True).pk},
        expect(admin=404, advisor=200, student=404, guardian=200, mentor=200, admin2=404),
    ),
    (
        "students:exhibition-feedback",
        lambda w: {"pk": _exhibition(w).pk},
        expect(admin=404, advisor=404, student=404, guardian=404, mentor=404, admin2=404),
    ),
    (
        "students:exhibition-result",
        lambda w: {"pk": _paneled(w, started=True).pk},
        expect(admin=200, advisor=200, admin2=404),
    ),
    (
        "students:exhibition-result",
        lambda w: {"pk": _exhibition(w, student=w.other_student).pk},
        expect(admin=200, advisor=404, admin2=404),
    ),
]
