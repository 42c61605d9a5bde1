"""Tagging work with the expectations it serves."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from bigpicture import records
from bigpicture.records import Area
from expectations.models import TAGGED_KINDS, Expectation, WorkTag
from expectations.selectors.catalog import wordings
from expectations.selectors.tags import WORK_MODELS, kind_of, student_id_of, taggable_work
from students.models import Student

# The records a piece of work belongs to, in the record of access.
RECORD_AREAS = {"item": Area.PLAN, "internship": Area.INTERNSHIP, "exhibition": Area.EXHIBITION}


@transaction.atomic
def set_tags(*, work: models.Model, expectations: Iterable[Expectation | int], by) -> list[WorkTag]:
    """Replace the expectations a goal, project, internship or exhibition is tagged with,
    among those its school has switched on (tags on one switched off since are kept)."""
    kind = kind_of(work)
    if not taggable_work(by, kind).filter(pk=work.pk).exists():
        raise PermissionDenied
    # One change at a time per piece of work: the replaced set is read after the lock.
    WORK_MODELS[kind].objects.select_for_update().filter(pk=work.pk).first()
    student_id = student_id_of(work)
    school_id = Student.objects.filter(pk=student_id).values_list("school_id", flat=True).get()
    active = {wording.pk for wording in wordings(school_id)}
    chosen = {getattr(expectation, "pk", expectation) for expectation in expectations}
    if chosen - active:
        raise ValidationError(
            {"expectations": _("Choose among the expectations your school reflects on.")}
        )
    field = TAGGED_KINDS[kind]
    tags = WorkTag.objects.filter(**{field: work})
    tags.filter(expectation_id__in=active - chosen).delete()
    present = set(tags.values_list("expectation_id", flat=True))
    for expectation_id in sorted(chosen - present):
        tag = WorkTag(expectation_id=expectation_id, student_id=student_id, tagged_by=by)
        setattr(tag, field, work)
        tag.full_clean()
        tag.save()
    records.changed(
        by=by,
        area=RECORD_AREAS[kind],
        student=(student_id, school_id),
        service="expectations.services.tags.set_tags",
    )
    return list(tags.select_related("expectation").order_by("expectation__number"))
