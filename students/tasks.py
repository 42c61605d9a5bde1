"""Thin Celery tasks of the students app: each takes an id and calls one service."""

from celery import shared_task

from bigpicture import jobs
from bigpicture.models import Job
from students.services import roster_jobs


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def roster_check(self, job_id: int) -> str | None:
    """The dry run of an uploaded roster file, by the one worker that claims the job."""
    found = Job.objects.filter(pk=job_id, kind=Job.Kind.ROSTER_CHECK).select_related("school")
    job = jobs.claim(found, redelivered=jobs.redelivered(self.request))
    return roster_jobs.roster_check_run(job).status if job else None


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def roster_import(self, job_id: int) -> str | None:
    """Import a checked roster file, all or nothing, by the one worker that claims the job
    (a message delivered twice never imports twice)."""
    found = Job.objects.filter(pk=job_id, kind=Job.Kind.ROSTER_IMPORT).select_related(
        "school", "created_by"
    )
    job = jobs.claim(found, redelivered=jobs.redelivered(self.request))
    return roster_jobs.roster_import_run(job).status if job else None
