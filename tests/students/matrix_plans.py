"""Access matrix cases for the learning plan pages (see tests/bigpicture/test_access_matrix.py)."""

from tests import factories
from tests.bigpicture.matrix import expect


def _plan(w, student=None):
    return factories.PlanFactory(student=student or w.student, term=w.term)


def _item(w, student=None):
    return factories.PlanItemFactory(plan=_plan(w, student), goals=["communication"])


def _evidence(w, student=None):
    from django.core.files.base import ContentFile

    from students.models import Evidence

    evidence = Evidence(
        item=_item(w, student),
        title="Poster",
        filename="poster.pdf",
        content_type="application/pdf",
        added_by=(student or w.student).user,
    )
    evidence.file.save("poster.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return evidence


def _revision(w, student=None):
    from students.models import PlanRevision

    plan = _plan(w, student)
    return PlanRevision.objects.create(plan=plan, version=1, action="created", by=plan.student.user)


READERS = expect(admin=200, advisor=200, student=200, guardian=200, admin2=404)
OTHERS = expect(admin=200, advisor=404, student=404, guardian=404, admin2=404)
AUTHOR = expect(student=200)  # the student only; staff and family have the wrong role
NOT_MINE = expect(student=404)
TEAM = expect(admin=200, advisor=200, student=200, admin2=404)
TEAM_OTHERS = expect(admin=200, advisor=404, student=404, admin2=404)
REVIEWERS = expect(admin=200, advisor=200, admin2=404)
POST_ONLY = expect(admin=405, advisor=405, student=405, admin2=405)  # refused by the method
STAFF_OTHERS = expect(admin=200, advisor=404, admin2=404)

CASES = [
    ("students:plan-list", lambda w: {"pk": w.student.pk}, READERS),
    ("students:plan-list", lambda w: {"pk": w.other_student.pk}, OTHERS),
    ("students:plan-start", lambda w: {"pk": w.student.pk}, AUTHOR),
    ("students:plan-start", lambda w: {"pk": w.other_student.pk}, NOT_MINE),
    ("students:plan-detail", lambda w: {"pk": _plan(w).pk}, READERS),
    ("students:plan-detail", lambda w: {"pk": _plan(w, w.other_student).pk}, OTHERS),
    ("students:plan-update", lambda w: {"pk": _plan(w).pk}, AUTHOR),
    ("students:plan-update", lambda w: {"pk": _plan(w, w.other_student).pk}, NOT_MINE),
    # POST-only actions: a GET is refused by the method (405) for whoever gets that far
    ("students:plan-submit", lambda w: {"pk": _plan(w).pk}, expect(student=405)),
    ("students:plan-review", lambda w: {"pk": _plan(w).pk}, REVIEWERS),
    ("students:plan-review", lambda w: {"pk": _plan(w, w.other_student).pk}, STAFF_OTHERS),
    ("students:plan-comment", lambda w: {"pk": _plan(w).pk}, READERS),
    ("students:plan-comment", lambda w: {"pk": _plan(w, w.other_student).pk}, OTHERS),
    ("students:plan-history", lambda w: {"pk": _plan(w).pk}, READERS),
    ("students:plan-history", lambda w: {"pk": _plan(w, w.other_student).pk}, OTHERS),
    ("students:revision-detail", lambda w: {"pk": _revision(w).pk}, READERS),
    ("students:revision-detail", lambda w: {"pk": _revision(w, w.other_student).pk}, OTHERS),
    ("students:item-create", lambda w: {"pk": _plan(w).pk}, AUTHOR),
    ("students:item-create", lambda w: {"pk": _plan(w, w.other_student).pk}, NOT_MINE),
    ("students:item-update", lambda w: {"pk": _item(w).pk}, AUTHOR),
    ("students:item-update", lambda w: {"pk": _item(w, w.other_student).pk}, NOT_MINE),
    ("students:item-delete", lambda w: {"pk": _item(w).pk}, AUTHOR),
    ("students:item-delete", lambda w: {"pk": _item(w, w.other_student).pk}, NOT_MINE),
    ("students:item-move", lambda w: {"pk": _item(w).pk}, expect(student=405)),
    ("students:progress-create", lambda w: {"pk": _item(w).pk}, TEAM),
    ("students:progress-create", lambda w: {"pk": _item(w, w.other_student).pk}, TEAM_OTHERS),
    ("students:evidence-create", lambda w: {"pk": _item(w).pk}, TEAM),
    ("students:evidence-create", lambda w: {"pk": _item(w, w.other_student).pk}, TEAM_OTHERS),
    ("students:evidence-file", lambda w: {"pk": _evidence(w).pk}, READERS),
    ("students:evidence-file", lambda w: {"pk": _evidence(w, w.other_student).pk}, OTHERS),
    (
        "students:evidence-delete",
        lambda w: {"pk": _evidence(w).pk},
        expect(admin=405, advisor=405, student=405, admin2=405),
    ),
]
