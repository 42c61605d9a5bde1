"""Reads behind the learning plan pages, each a fixed number of queries at any history size."""

from django.db.models import Count, Q

from bigpicture.models import Term
from bigpicture.prepared import instance, prepared, within_reach
from bigpicture.selectors import current_term
from students.models import (
    LearningGoal,
    LearningPlan,
    PlanComment,
    PlanItem,
    PlanRevision,
    ProgressUpdate,
    Student,
)

RECENT_REVISIONS = 5


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


def terms_open_for(student: Student):
    """Terms a student may start a plan for: this one and later ones, without a plan yet."""
    today = student.school.today()
    return (
        Term.objects.of_school(student.school_id)
        .filter(end_date__gte=today)
        .exclude(plans__student=student)
        .select_related("school_year")
        .order_by("start_date")
    )


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
EVIDENCE_KEYS = ("pk", "title", "url", "filename", "size")
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
        .values_list("body", "author__first_name", "author__last_name", "created_at")
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
    items, by_id = [], {}
    for row in _items_with_evidence(plan.pk):
        item = by_id.get(row[0])
        if item is None:
            item = by_id[row[0]] = dict(zip(ITEM_SHOWN, row, strict=False))
            item["progress_label"] = progress_labels.get(item["progress"], item["progress"])
            item["goal_labels"], item["evidence"], item["updates"] = [], [], []
            items.append(item)
        if row[len(ITEM_SHOWN)] is not None:
            item["evidence"].append(dict(zip(EVIDENCE_KEYS, row[len(ITEM_SHOWN) :], strict=True)))
    _with_goal_labels(by_id, plan)
    for item_id, on, progress, note, first, last in _updates(plan.pk):
        by_id[item_id]["updates"].append(
            {
                "on": on,
                "progress_label": progress_labels.get(progress, progress),
                "note": note,
                "by": f"{first} {last}".strip(),
            }
        )
    comments = [
        {"body": body, "author": f"{first} {last}".strip(), "created_at": at}
        for body, first, last, at in _comments(plan.pk)
    ]
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


def _with_goal_labels(items: dict[int, dict], plan: LearningPlan) -> None:
    """Fill each item's ``goal_labels`` with the names of its learning goals, in the goals'
    order and the reader's language: one read of the item-goal links with each goal's code,
    which names it, rather than every goal's row."""
    names: dict[tuple, str] = {}
    for item_id, code, name in _goal_links(plan.pk):
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
