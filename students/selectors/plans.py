"""Reads behind the learning plan pages, each a fixed number of queries at any history size."""

from django.db.models import Count, OuterRef, Q, Subquery

from advisories.models import Membership
from bigpicture.models import Term
from bigpicture.prepared import instance, prepared, within_reach
from bigpicture.selectors import current_term, current_year
from students.models import (
    LearningGoal,
    LearningPlan,
    PlanComment,
    PlanItem,
    PlanRevision,
    ProgressUpdate,
    Student,
)
from students.models.plans import media_kind

RECENT_REVISIONS = 5
ABOUT_COMPARED = ("interests", "life_goals", "learning_style", "needs")
ITEM_COMPARED = (
    *("kind", "title", "learning_goals", "is_personal", "what", "how", "resources", "due_on"),
    "evidence_planned",
)


def with_progress_counts(plans):
    """Annotate plans with how many goals and projects they hold and how many are met."""
    return plans.annotate(
        items_total=Count("items", distinct=True),
        items_met=Count("items", filter=Q(items__progress=PlanItem.Progress.MET), distinct=True),
    )


def current_plan_items(student: Student):
    """The goals and projects of the student's learning plan for the current term."""
    term = current_term(student.school)
    if term is None:
        return PlanItem.objects.none()
    return PlanItem.objects.filter(plan__student_id=student.pk, plan__term_id=term.pk)


def student_plans(student: Student) -> list[LearningPlan]:
    """A student's plans over the years, newest term first, with goals met of total."""
    plans = LearningPlan.objects.filter(student=student).select_related("term__school_year")
    return list(with_progress_counts(plans).order_by("-term__start_date"))


def terms_not_ended(student: Student):
    """The terms of a student's school not ended yet: this one and later ones."""
    today = student.school.today()
    return (
        Term.objects.of_school(student.school_id)
        .filter(end_date__gte=today)
        .select_related("school_year")
        .order_by("start_date")
    )


def terms_open_for(student: Student):
    """Terms a student may start a plan for: this one and later ones, without a plan yet."""
    return terms_not_ended(student).exclude(plans__student=student)


# What the plan's pages show of it, its student (and their person) and its term (and year).
PLAN_COLUMNS = (
    *("student_id", "term_id", "status", "version"),
    *("interests", "life_goals", "learning_style", "needs"),
    *("student__user_id", "student__school_id", "student__preferred_name"),
    *("student__user__first_name", "student__user__last_name"),
    *("term__school_year_id", "term__name", "term__start_date", "term__end_date"),
    "term__school_year__name",
)


@within_reach
def _plan_columns(person, plan: int):
    plans = LearningPlan.objects.visible_to(person).filter(pk=plan)
    return plans.values_list("pk", *PLAN_COLUMNS)


def plan_in_reach(user, pk: int) -> LearningPlan | None:
    """A plan as its pages show it if the person may see it (``visible_to``), else None:
    with its student and their person, its term and year, only the columns shown (others
    load on access). One read."""
    rows = _plan_columns(user, pk)
    return instance(LearningPlan, PLAN_COLUMNS, rows[0]) if rows else None


PLAN_PAGE = ("items", "goals", "projects", "met", "comments", "revisions", "other_plans")


ITEM_SHOWN = (
    *("pk", "kind", "title", "is_personal", "what", "how", "resources", "due_on"),
    *("evidence_planned", "progress", "carried_from_id"),
)
EVIDENCE_KEYS = ("pk", "title", "url", "filename", "size", "content_type")
EVIDENCE_SHOWN = tuple(f"evidence__{name}" for name in EVIDENCE_KEYS)


@prepared
def _items_with_evidence(plan: int):
    # one row per piece of evidence (an item without any is one row with none)
    return (
        PlanItem.objects.filter(plan_id=plan)
        .order_by("position", "pk", "evidence__created_at", "evidence__pk")
        .values_list(*ITEM_SHOWN, *EVIDENCE_SHOWN)
    )


@prepared
def _goal_links(plan: int):
    links = PlanItem.learning_goals.through.objects.filter(planitem__plan_id=plan)
    return links.order_by("learninggoal__position", "learninggoal_id").values_list(
        "planitem_id", "learninggoal__code", "learninggoal__name"
    )


@prepared
def _updates(plan: int):
    return (
        ProgressUpdate.objects.filter(item__plan_id=plan)
        .order_by("item_id", "-on", "-pk")
        .values_list("item_id", "on", "progress", "note", "by__first_name", "by__last_name")
    )


@prepared
def _comments(plan: int):
    return (
        PlanComment.objects.filter(plan_id=plan)
        .order_by("created_at", "pk")
        .values_list("body", "author__first_name", "author__last_name", "created_at", "item_id")
    )


@prepared
def _recent_revisions(plan: int):
    return (
        PlanRevision.objects.filter(plan_id=plan)
        .order_by("-at", "-pk")
        .values_list("pk", "action", "summary", "by__first_name", "by__last_name", "at", "version")[
            :RECENT_REVISIONS
        ]
    )


@prepared
def _other_plans(student: int, plan: int):
    return (
        LearningPlan.objects.filter(student_id=student)
        .exclude(pk=plan)
        .order_by("-term__start_date")
        .values_list("pk", "status", "term__name", "term__school_year__name")
    )


def plan_page(plan: LearningPlan) -> dict:
    """Everything the plan page shows: the term's work with its learning goals, progress
    updates and evidence, the conversation, the latest changes, the student's other plans.

    Flat reads of only the columns shown (prepared: compiled once), grouped in Python (no
    model instances, no prefetch machinery); each choice's label is resolved once per
    request into a plain str."""
    progress_labels = {value: str(label) for value, label in PlanItem.Progress.choices}
    items, by_id = _items_of(plan.pk, progress_labels)
    for item_id, on, progress, note, first, last in _updates(plan.pk):
        by_id[item_id]["updates"].append(
            {
                "on": on,
                "progress_label": progress_labels.get(progress, progress),
                "note": note,
                "by": f"{first} {last}".strip(),
            }
        )
    comments = []
    for body, first, last, at, item_id in _comments(plan.pk):
        comment = {"body": body, "author": f"{first} {last}".strip(), "created_at": at}
        # a comment on one goal is shown with it; on the whole plan, in the conversation
        shown_with = by_id[item_id]["comments"] if item_id in by_id else comments
        shown_with.append(comment)
    action_labels = {value: str(label) for value, label in PlanRevision.Action.choices}
    revisions = [
        {
            "pk": pk,
            "action_label": action_labels.get(action, action),
            "summary": summary,
            "by": f"{first or ''} {last or ''}".strip(),
            "at": at,
            "version": version,
        }
        for pk, action, summary, first, last, at, version in _recent_revisions(plan.pk)
    ]
    status_labels = {value: str(label) for value, label in LearningPlan.Status.choices}
    others = [
        {"pk": pk, "term": f"{term} {year}", "status_label": status_labels.get(status, status)}
        for pk, status, term, year in _other_plans(plan.student_id, plan.pk)
    ]
    return {
        "items": items,
        "goals": [item for item in items if item["kind"] == PlanItem.Kind.GOAL],
        "projects": [item for item in items if item["kind"] == PlanItem.Kind.PROJECT],
        "met": sum(item["progress"] == PlanItem.Progress.MET for item in items),
        "comments": comments,
        "revisions": revisions,
        "other_plans": others,
    }


def _items_of(plan: int, progress_labels: dict) -> tuple[list[dict], dict[int, dict]]:
    """A plan's goals and projects in order, each with its learning goals' names and its
    evidence, and the same by pk: two reads."""
    items, by_id = [], {}
    for row in _items_with_evidence(plan):
        item = by_id.get(row[0])
        if item is None:
            item = by_id[row[0]] = dict(zip(ITEM_SHOWN, row, strict=False))
            item["progress_label"] = progress_labels.get(item["progress"], item["progress"])
            item["goal_labels"], item["evidence"], item["updates"] = [], [], []
            item["comments"] = []
            items.append(item)
        if row[len(ITEM_SHOWN)] is not None:
            evidence = dict(zip(EVIDENCE_KEYS, row[len(ITEM_SHOWN) :], strict=True))
            evidence["media"] = media_kind(evidence["content_type"])  # played in the page
            item["evidence"].append(evidence)
    _with_goal_labels(by_id, plan)
    return items, by_id


def _with_goal_labels(items: dict[int, dict], plan: int) -> None:
    """Fill each item's ``goal_labels`` with the names of its learning goals, in the goals'
    order and the reader's language: one read of the item-goal links with each goal's code,
    which names it, rather than every goal's row."""
    names: dict[tuple, str] = {}
    for item_id, code, name in _goal_links(plan):
        label = names.get((code, name))
        if label is None:
            label = names[code, name] = str(LearningGoal.label_of(code, name))
        items[item_id]["goal_labels"].append(label)


def plan_history(plan: LearningPlan):
    """Every change to a plan, newest first, with who made it (snapshots left out)."""
    return (
        PlanRevision.objects.filter(plan=plan)
        .select_related("by")
        .defer("snapshot")
        .order_by("-at", "-pk")
    )


def goals_by_code() -> dict[str, LearningGoal]:
    return {goal.code: goal for goal in LearningGoal.objects.all()}


# --- the advisor's review ----------------------------------------------------------------------


@prepared
def _advisory_now(student: int):
    memberships = Membership.objects.current().filter(student_id=student)
    return memberships.order_by("-start_date", "-pk").values_list("advisory__name")[:1]


@prepared
def _latest_and_approved(plan: int):
    # the plan as it stands (its latest revision) and as last approved, in one read
    revisions = PlanRevision.objects.filter(plan_id=OuterRef("plan_id")).order_by("-at", "-pk")
    approved = revisions.filter(action=PlanRevision.Action.APPROVED)
    return (
        PlanRevision.objects.filter(plan_id=plan)
        .filter(
            Q(pk=Subquery(revisions.values("pk")[:1])) | Q(pk=Subquery(approved.values("pk")[:1]))
        )
        .order_by("-at", "-pk")
        .values_list("action", "version", "snapshot")
    )


def _field_label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _compared(item: dict, field: str):
    value = item.get(field)
    return sorted(value or []) if field == "learning_goals" else value


def snapshot_changes(before: dict, after: dict) -> dict:
    """What changed between two snapshots of a plan: the about-me answers changed (their
    names), the goals and projects added and removed (their titles) and those changed (title
    and the names of the fields changed). Progress is left out: it is tracked, not reviewed.

    Goals are matched by their key; snapshots kept before the key was, by kind and title."""
    old, new = list(before.get("items", [])), list(after.get("items", []))
    unmatched = dict(enumerate(old))
    pairs, added = [], []
    old_by_pk = {item["pk"]: n for n, item in unmatched.items() if "pk" in item}
    for item in new:
        n = old_by_pk.get(item.get("pk"))
        if n is None or n not in unmatched:
            n = next(
                (
                    m
                    for m, was in unmatched.items()
                    if (was.get("kind"), was.get("title")) == (item.get("kind"), item.get("title"))
                ),
                None,
            )
        if n is None:
            added.append(item["title"])
        else:
            pairs.append((unmatched.pop(n), item))
    changed = []
    for was, item in pairs:
        fields = [f for f in ITEM_COMPARED if _compared(was, f) != _compared(item, f)]
        if fields:
            labels = [_field_label(PlanItem, f) for f in fields]
            changed.append({"title": item["title"], "was": was["title"], "fields": labels})
    return {
        "about": [
            _field_label(LearningPlan, f)
            for f in ABOUT_COMPARED
            if (before.get(f) or "") != (after.get(f) or "")
        ],
        "added": added,
        "removed": [item["title"] for item in unmatched.values()],
        "changed": changed,
    }


def plan_changes(plan: LearningPlan) -> dict | None:
    """The plan's changes since its last approved version (with that version's number), or
    None when no version of it was approved yet: one read of the two snapshots."""
    rows = list(_latest_and_approved(plan.pk))
    approved = next((row for row in rows if row[0] == PlanRevision.Action.APPROVED), None)
    if approved is None:
        return None
    changes = snapshot_changes(approved[2], rows[0][2])
    changes["version"] = approved[1]
    changes["any"] = any(changes[key] for key in ("about", "added", "removed", "changed"))
    return changes


def review_page(plan: LearningPlan) -> dict:
    """What the advisor's review page shows beside the decision: the student (year level,
    advisory now), the plan as its page shows it, its changes since the last approved
    version."""
    year = current_year(plan.student.school)
    advisory = _advisory_now(plan.student_id)
    return {
        **plan_page(plan),
        "year_level": year.year_level(plan.student.graduating_class) if year else None,
        "advisory_name": advisory[0][0] if advisory else None,
        "changes": plan_changes(plan),
    }


# --- beside the narrative ----------------------------------------------------------------------


@prepared
def _plan_of_term(student: int, term: int):
    plans = LearningPlan.objects.filter(student_id=student, term_id=term)
    return plans.values_list("pk", "status")


def term_plan(student: int, term: int) -> dict | None:
    """A student's plan for a term as the narrative editor shows it beside the text: its
    goals and projects with their learning goals, progress and evidence; None without one.
    Three reads at most."""
    rows = _plan_of_term(student, term)
    if not rows:
        return None
    pk, status = rows[0]
    progress_labels = {value: str(label) for value, label in PlanItem.Progress.choices}
    items, _by_id = _items_of(pk, progress_labels)
    return {
        "pk": pk,
        "status_label": str(LearningPlan.Status(status).label),
        "items": items,
        "met": sum(item["progress"] == PlanItem.Progress.MET for item in items),
    }
