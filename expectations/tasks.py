"""Thin Celery tasks of the expectations: each takes ids or nothing and calls one service."""

from celery import shared_task

from expectations.services import engagement
from students.models import Student


@shared_task(ignore_result=True)
def compute_engagement() -> dict[str, int]:
    """Compute every school's engagement statuses (the early warning)."""
    return engagement.compute_every_school()


@shared_task(ignore_result=True)
def compute_engagement_for(student_id: int) -> str | None:
    """Compute one student's engagement status now, if the student still exists."""
    student = Student.objects.filter(pk=student_id).select_related("school").first()
    if student is None:
        return None
    return engagement.compute_student(student).status
