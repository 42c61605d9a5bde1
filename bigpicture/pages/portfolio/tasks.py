"""The background work of portfolios: a batch of them built into a zip."""

import logging

from celery import shared_task

from bigpicture import jobs
from bigpicture.models import Job
from bigpicture.pages.portfolio import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def build_portfolios(self, job_id: int) -> None:
    """Build a batch's portfolios into its zip, by the one worker that claims the job (a
    finished job, or one another worker runs, is left alone)."""
    found = Job.objects.filter(pk=job_id, kind=Job.Kind.PORTFOLIOS).select_related("created_by")
    job = jobs.claim(found, redelivered=jobs.redelivered(self.request))
    if job is None:
        return
    try:
        services.batch_build(job)
    except Exception as error:  # the job says it failed; the log keeps the trace
        logger.exception("portfolio batch %s failed", job_id)
        services.batch_failed(job, error)
