"""Labels for the plain data a plan revision keeps (codes, not rows), in the reader's language."""

from django import template

from students.models import LearningPlan, PlanItem

register = template.Library()


@register.filter
def plan_field_label(field: str) -> str:
    try:
        return str(LearningPlan._meta.get_field(field).verbose_name)
    except Exception:
        return field


@register.filter
def plan_kind_label(kind: str) -> str:
    return str(PlanItem.Kind(kind).label) if kind in PlanItem.Kind.values else kind


@register.filter
def plan_progress_label(progress: str) -> str:
    return (
        str(PlanItem.Progress(progress).label) if progress in PlanItem.Progress.values else progress
    )


@register.filter
def goal_label(goals: dict, code: str) -> str:
    goal = goals.get(code)
    return goal.label if goal else code
