"""Reads behind the learning plan pages, each a fixed number of queries at any history size."""

from django.db.models import Count, Prefetch, Q

from bigpicture.models import Term
from bigpicture.selectors import current_term
from students.models import (
    Evidence,
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


PLAN_PAGE = ("items", "goals", "projects", "met", "comments", "revisions", "other_plans")


def plan_page(plan: LearningPlan) -> dict:
    """Everything the plan page shows: the term's work with its learning goals, progress
    updates and evidence, the conversation, the latest changes, the student's other plans."""
    items = list(
        plan.items.prefetch_related(
            Prefetch("updates", queryset=ProgressUpdate.objects.select_related("by")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "pk")),
        ).order_by("position", "pk")
    )
    _with_goal_labels(items, plan)
    comments = list(PlanComment.objects.filter(plan=plan).select_related("author"))
    revisions = list(
        PlanRevision.objects.filter(plan=plan)
        .select_related("by")
        .defer("snapshot")
        .order_by("-at", "-pk")[:RECENT_REVISIONS]
    )
    others = list(
        LearningPlan.objects.filter(student_id=plan.student_id)
        .select_related("term__school_year")
        .only("student_id", "status", "term__name", "term__school_year__name")  # link, label
        .order_by("-term__start_date")
    )
    return {
        "items": items,
        "goals": [item for item in items if item.kind == PlanItem.Kind.GOAL],
        "projects": [item for item in items if item.kind == PlanItem.Kind.PROJECT],
        "met": sum(item.progress == PlanItem.Progress.MET for item in items),
        "comments": comments,
        "revisions": revisions,
        "other_plans": others,
    }


def _with_goal_labels(items: list[PlanItem], plan: LearningPlan) -> None:
    """Attach to each item the names of its learning goals (``goal_labels``), in the goals'
    order and the reader's language: one read of the item-goal links with each goal's code,
    which names it, rather than every goal's row."""
    links = PlanItem.learning_goals.through.objects.filter(planitem__plan=plan)
    rows = links.order_by("learninggoal__position", "learninggoal_id").values_list(
        "planitem_id", "learninggoal__code", "learninggoal__name"
    )
    labels: dict[int, list] = {}
    for item_id, code, name in rows:
        labels.setdefault(item_id, []).append(LearningGoal.label_of(code, name))
    for item in items:
        item.goal_labels = labels.get(item.pk, [])


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
