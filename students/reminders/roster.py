"""Reminder rule about roster imports: the admin who asked hears how the import went."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.models import Job
from bigpicture.notifications.rules import Draft, Rule, register


def notify_roster_import(job: Job) -> None:
    """Tell the admin who asked that their roster import is done or failed (once a job)."""
    if job.created_by_id is None:
        return
    counts = job.result.get("counts", {}) if isinstance(job.result, dict) else {}
    draft = Draft(
        recipient_id=job.created_by_id,
        school_id=job.school_id,
        subject_key=f"job:{job.pk}",
        subject=job.file_name,
        occasion=job.status,
        context={
            "file_name": job.file_name,
            "status": job.status,
            "error": job.error,
            "errors": len(job.result.get("errors", [])) if isinstance(job.result, dict) else 0,
            "counts": [
                [kind, *(numbers.get(column, 0) for column in COLUMNS)]
                for kind, numbers in counts.items()
            ],
            "path": reverse("bigpicture:job-detail", args=[job.pk]),
        },
    )
    notifications.record(ROSTER_IMPORT_DONE, [draft])


COLUMNS = ("created", "updated", "ended", "unchanged")

ROSTER_IMPORT_DONE = register(
    Rule(
        key="roster_import_done",
        kind="school",
        label=_("A roster import finished"),
        description=_(
            "The admin who imported a roster hears when the import is done, with its "
            "counts, or why it stopped."
        ),
    )
)
