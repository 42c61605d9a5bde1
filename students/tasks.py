"""Thin Celery tasks of the students app: each takes an id and calls one service."""

from celery import shared_task

from bigpicture.models import Job
from students.services import roster_jobs


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def roster_check(job_id: int) -> str | None:
    """The dry run of an uploaded roster file (safe to run twice)."""
    job = Job.objects.filter(pk=job_id, kind=Job.Kind.ROSTER_CHECK).select_related("school")
    job = job.first()
    return roster_jobs.roster_check_run(job).status if job else None


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def roster_import(job_id: int) -> str | None:
    """Import a checked roster file, all or nothing (safe to run twice: matched by sourcedId)."""
    job = Job.objects.filter(pk=job_id, kind=Job.Kind.ROSTER_IMPORT).select_related(
        "school", "created_by"
    )
    job = job.first()
    return roster_jobs.roster_import_run(job).status if job else None
