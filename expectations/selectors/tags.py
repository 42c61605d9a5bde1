"""Work tagged with the expectations it serves: the chips a page shows, a student's tagged
work per expectation, and the work a person may tag."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigpicture.links import link
from bigpicture.models import Term
from expectations.models import TAGGED_KINDS, Wording, WorkTag
from expectations.selectors.catalog import wordings
from internships.models import Placement
from students.models import Exhibition, PlanItem, Student

# The model of each kind of work (the URL's word), and the way from it to its student.
WORK_MODELS: dict[str, type[models.Model]] = {
    "item": PlanItem,
    "internship": Placement,
    "exhibition": Exhibition,
}
STUDENT_PATH = {"item": "plan__student", "internship": "student", "exhibition": "student"}
WORK_RELATED = {
    "item": ("plan__student__user", "plan__student__school", "plan__term__school_year"),
    "internship": ("student__user", "student__school", "site"),
    "exhibition": ("student__user", "student__school", "term__school_year"),
}
KIND_LABELS = {
    "item": _("Goal or project"),
    "internship": _("Internship"),
    "exhibition": _("Exhibition"),
}


@dataclass(frozen=True)
class TaggedWork:
    """A piece of work as a chip: what it is, its title and the page it lives on."""

    kind: str
    pk: int
    title: str
    kind_label: str
    url: str


def kind_of(work: models.Model) -> str:
    """The URL word of a piece of work's kind (``item``, ``internship``, ``exhibition``)."""
    for kind, model in WORK_MODELS.items():
        if isinstance(work, model):
            return kind
    raise ValueError(f"{type(work).__name__} cannot be tagged")


def student_id_of(work: models.Model) -> int:
    """The id of the student whose work it is."""
    return work.plan.student_id if isinstance(work, PlanItem) else work.student_id


def taggable_work(user, kind: str):
    """The work of a kind a person may tag, or None for an unknown kind: the work they may
    see, of the students whose profile they may edit (the student, their advisor, admins)."""
    model = WORK_MODELS.get(kind)
    if model is None:
        return None
    students = Student.objects.editable_by(user).values("pk")
    return model.objects.visible_to(user).filter(**{f"{STUDENT_PATH[kind]}__in": students})


def work_of(user, kind: str, pk: int):
    """One piece of work a person may tag, with its student, or None (unknown or out of reach)."""
    work = taggable_work(user, kind)
    if work is None:
        return None
    return work.select_related(*WORK_RELATED[kind]).filter(pk=pk).first()


def tag_ids(work: models.Model) -> list[int]:
    """The ids of the expectations a piece of work is tagged with."""
    field = TAGGED_KINDS[kind_of(work)]
    return list(WorkTag.objects.filter(**{field: work}).values_list("expectation_id", flat=True))


def _tagged(tag: WorkTag) -> TaggedWork:
    if tag.item_id:
        item = tag.item
        url = f"{link('students:plan-detail', item.plan_id)}#item-{item.pk}"
        return TaggedWork("item", item.pk, item.title, item.kind_label, url)
    if tag.placement_id:
        placement = tag.placement
        return TaggedWork(
            "internship",
            placement.pk,
            placement.project,
            str(KIND_LABELS["internship"]),
            placement.get_absolute_url(),
        )
    exhibition = tag.exhibition
    return TaggedWork(
        "exhibition",
        exhibition.pk,
        exhibition.title,
        str(KIND_LABELS["exhibition"]),
        exhibition.get_absolute_url(),
    )


def tags_of(student: Student) -> dict[str, list[TaggedWork]]:
    """A student's tagged work per expectation key, in the expectations' order (one query)."""
    tags = (
        WorkTag.objects.filter(student=student)
        .select_related("expectation", "item", "placement", "exhibition")
        .order_by("expectation__number", "pk")
    )
    found: dict[str, list[TaggedWork]] = defaultdict(list)
    for tag in tags:
        found[tag.expectation.key].append(_tagged(tag))
    return dict(found)


def chips_for(
    kind: str, ids: Iterable[int], *, words: list[Wording] | None = None
) -> dict[int, list[Wording]]:
    """The expectations each piece of work of a kind is tagged with, as the school words
    them: one query when the page passes its ``wordings()``, two more otherwise."""
    field = TAGGED_KINDS[kind]
    rows = list(
        WorkTag.objects.filter(**{f"{field}_id__in": list(ids)})
        .order_by("expectation__number", "pk")
        .values_list(f"{field}_id", "expectation_id", "student__school_id")
    )
    if not rows:
        return {}
    if words is None:
        words = wordings(rows[0][2], active_only=False)
    by_pk = {wording.pk: wording for wording in words}
    chips: dict[int, list[Wording]] = defaultdict(list)
    for work_id, expectation_id, _school in rows:
        if expectation_id in by_pk:
            chips[work_id].append(by_pk[expectation_id])
    return dict(chips)


def work_to_tag(student: Student, term: Term | None) -> list[TaggedWork]:
    """The work a student may tag now, each with the URL of its tags page: the goals and
    projects of the term's plan, their internships, and the term's exhibitions (three
    queries)."""
    if term is None:
        return []
    items = PlanItem.objects.filter(plan__student=student, plan__term=term).order_by(
        "position", "pk"
    )
    placements = Placement.objects.filter(
        student=student, status__in=[*Placement.OPEN, Placement.Status.COMPLETED]
    ).order_by("-start_on", "pk")
    exhibitions = Exhibition.objects.filter(student=student, term=term).order_by("starts_at", "pk")
    work = [
        *(("item", i.pk, i.title, i.kind_label) for i in items),
        *(("internship", p.pk, p.project, KIND_LABELS["internship"]) for p in placements),
        *(("exhibition", e.pk, e.title, KIND_LABELS["exhibition"]) for e in exhibitions),
    ]
    return [
        TaggedWork(kind, pk, title, str(label), reverse("expectations:tags", args=[kind, pk]))
        for kind, pk, title, label in work
    ]
