"""Roster imports as background jobs: an upload is kept (with its SHA-256) and checked in the
background (the dry run); once the report shows no error, an admin imports it, all or
nothing, in another job that re-reads the same stored file, reports its progress, and
emails the admin when done. The roster engine itself is ``students.roster``."""

import logging

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bigpicture import jobs
from bigpicture.access import require_admin_of
from bigpicture.models import Job, School
from bigpicture.storage import StoreUnavailable, faults, refused_when_down
from students import roster
from students.reminders.roster import notify_roster_import

logger = logging.getLogger(__name__)

ONEROSTER, PLAIN = "oneroster", "plain"
FORMATS = (ONEROSTER, PLAIN)
ROSTER_KINDS = (Job.Kind.ROSTER_CHECK, Job.Kind.ROSTER_IMPORT)
ZIP_MAGIC = b"PK"

# The tasks, queued by name: the tasks module sits above the services that queue them.
CHECK_TASK = "students.tasks.roster_check"
IMPORT_TASK = "students.tasks.roster_import"


def sniff_format(upload) -> str:
    """A zip is OneRoster; anything else is read as the plain CSV."""
    head = upload.read(4)
    upload.seek(0)
    return ONEROSTER if head.startswith(ZIP_MAGIC) else PLAIN


def _queue(task_name: str, job: Job) -> None:
    """Run the task once the transaction commits (in-process when no broker is set)."""
    if task_name not in current_app.tasks:
        # A worker imports every app's tasks module when it starts; a web process has not
        # needed them yet: Celery's autodiscovery imports them now (once).
        current_app.loader.import_default_modules()
    task = current_app.tasks[task_name]
    transaction.on_commit(lambda: task.delay(job.pk))


@transaction.atomic
def roster_upload(*, school: School, by, upload, file_format: str = "") -> Job:
    """Keep an uploaded roster file and queue its dry run; return the check job."""
    require_admin_of(by, school.pk)
    file_format = file_format if file_format in FORMATS else sniff_format(upload)
    with refused_when_down("file"):
        job = jobs.create(
            kind=Job.Kind.ROSTER_CHECK,
            school=school,
            by=by,
            params={"format": file_format},
            upload=upload,
        )
    _queue(CHECK_TASK, job)
    return job


@transaction.atomic
def roster_import_start(*, check: Job, by) -> Job:
    """Queue the import of a file whose dry run found no error; return the import job."""
    require_admin_of(by, check.school_id)
    if check.kind != Job.Kind.ROSTER_CHECK or check.status != Job.Status.DONE:
        raise ValidationError(_("This file has not been checked yet."))
    if check.result.get("errors"):
        raise ValidationError(_("This file has errors: correct them and upload it again."))
    job = Job.objects.create(
        kind=Job.Kind.ROSTER_IMPORT,
        school_id=check.school_id,
        created_by=by,
        params={"format": check.params.get("format", ONEROSTER), "check": check.pk},
        # the same stored file: the import re-reads exactly what was checked
        file=check.file.name,
        file_name=check.file_name,
        sha256=check.sha256,
        size=check.size,
    )
    _queue(IMPORT_TASK, job)
    return job


def result_of(report) -> dict:
    """A report as a job's result, with its number of errors (read by the history list
    without loading the errors themselves)."""
    return {**report.as_json(), "error_count": len(report.errors)}


def report_of(job: Job):
    """The report a finished roster job keeps, or None (a job that stopped on an error)."""
    if not isinstance(job.result, dict) or "counts" not in job.result:
        return None
    kept = {key: value for key, value in job.result.items() if key != "error_count"}
    return roster.Report.from_json(kept)


def _language(job: Job) -> str:
    """The row errors a report keeps are written in the language of the admin who asked."""
    person = job.created_by
    return person.language if person else translation.get_language() or "en"


def _read(job: Job):
    """The dataset of the job's stored file, in its format."""
    plain = job.params.get("format") == PLAIN
    reader = roster.read_plain if plain else roster.read_oneroster
    with job.file.open("rb") as handle:
        return reader(handle)


# Why a job failed, kept untranslated on the job and translated for each reader.
CHANGED = gettext_noop(
    "The stored file is not the one uploaded (its SHA-256 differs); upload it again."
)
NOT_CHECKED = gettext_noop("The file could not be checked. Try again, or ask for help.")
REFUSED = gettext_noop("The file has errors: nothing was imported.")
STOPPED = gettext_noop("The import stopped on an error: nothing was imported.")
STORE_DOWN = gettext_noop(
    "The file store could not be reached: nothing was imported. Try again in a few minutes."
)


def roster_check_run(job: Job) -> Job:
    """The dry run of a job's file: the report of what an import would do, on the job."""
    if job.finished:
        return job
    jobs.start(job)
    try:
        with translation.override(_language(job)):
            with faults("reading a roster"):
                if not jobs.stored_file_matches(job):
                    return jobs.fail(job, CHANGED)
                dataset = _read(job)
            report = roster.check(dataset, job.school)
    except StoreUnavailable:
        return jobs.fail(job, STORE_DOWN)
    except Exception:
        logger.exception("Roster check %s failed", job.pk)
        return jobs.fail(job, NOT_CHECKED)
    return jobs.finish(job, result=result_of(report))


def roster_import_run(job: Job) -> Job:
    """Import the job's file, all or nothing, with its progress on the job; the admin hears
    by email how it went. Safe to run again: the import is matched by sourcedId."""
    if job.finished:
        return job
    jobs.start(job)
    try:
        with faults("reading a roster"), translation.override(_language(job)):
            dataset = _read(job) if jobs.stored_file_matches(job) else None
        if dataset is None:
            job = jobs.fail(job, CHANGED)
        else:
            with jobs.Progress(job) as progress, translation.override(_language(job)):
                report = roster.run(dataset, job.school, actor=job.created_by, progress=progress)
            job = jobs.finish(job, result=result_of(report))
    except StoreUnavailable:
        job = jobs.fail(job, STORE_DOWN)
    except roster.RosterRefused as refused:
        job = jobs.fail(job, REFUSED, result=result_of(refused.report))
    except Exception:
        logger.exception("Roster import %s failed", job.pk)
        job = jobs.fail(job, STOPPED)
    with transaction.atomic():
        notify_roster_import(job)
    return job


# A finished roster job's page links to its report.
for _kind in ROSTER_KINDS:
    jobs.register_result_page(_kind, "students:roster-report")
