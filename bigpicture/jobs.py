"""Background jobs (``bigpicture.models.Job``): who may see one, starting, progress, finishing.

A job's row is written in short transactions of its own, so the person watching its page
sees it move while the work runs. The work itself may hold one long transaction (a roster
import is all or nothing); progress written inside it would stay invisible until the end
(and vanish with a rollback). So :class:`Progress` writes where the work's transaction
cannot hide it:

- outside any transaction, a plain UPDATE (autocommit);
- inside one, on PostgreSQL, an UPDATE on a second connection of its own, opened for the
  job and closed at its end, which commits at once. The work's transaction never touches
  the job's row between :func:`start` and :func:`finish` (those run outside it), so the two
  connections never wait on each other's locks; a ``lock_timeout`` bounds the wait anyway,
  and progress that cannot be written is skipped, never an error of the job;
- inside one on SQLite (development, tasks in-process; the file is locked by the work's
  own transaction), or when the job's row is itself not committed yet (made in the same
  transaction, as in a test: nobody else can see it anyway), progress joins the work's
  transaction.

Apps name the page that shows a finished job's result with :func:`register_result_page`;
the core links to it without importing the app.
"""

import hashlib
import logging
import time
from collections.abc import Callable

from django.core.files import File
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bigpicture import access
from bigpicture.models import Job
from bigpicture.storage import faults

logger = logging.getLogger(__name__)

Status = Job.Status
Kind = Job.Kind

# The kinds whose file is what they made (a zip of portfolios), offered as a download; the
# others' file is what they read (an uploaded roster).
OUTPUT_KINDS = frozenset({Kind.PORTFOLIOS})

# kind -> URL name of the page (taking the job's ``pk``) that shows its result
RESULT_PAGES: dict[str, str] = {}
# kind -> ``record(request, job)`` noting a download of its file in the record of access (a
# zip of portfolios is an export of those students' records; the app knows which students)
DOWNLOAD_RECORDS: dict[str, Callable[[object, Job], None]] = {}

ERROR_LENGTH = Job._meta.get_field("error").max_length
PROGRESS_EVERY = 0.5  # seconds between two writes of progress (the page polls every 2 s)


def register_result_page(kind: str, url_name: str) -> None:
    """Name the page that shows the result of a finished job of this kind."""
    RESULT_PAGES[kind] = url_name


def register_download_record(kind: str, record: Callable[[object, Job], None]) -> None:
    """Name how a download of this kind's file is noted in the record of access."""
    DOWNLOAD_RECORDS[kind] = record


def result_url(job: Job) -> str:
    """The page that shows the job's result, when its app named one; else empty."""
    name = RESULT_PAGES.get(job.kind)
    return reverse(name, kwargs={"pk": job.pk}) if name else ""


def visible_to(user) -> QuerySet[Job]:
    """The jobs a person may follow: those they asked for, and every job of a school they
    administer (a network admin: every school's)."""
    jobs = Job.objects.all()
    if not user.is_authenticated:
        return jobs.none()
    if access.is_network_admin(user):
        return jobs
    mine = Q(created_by=user)
    if access.has_role(user, access.ADMIN) and user.school_id:
        mine |= Q(school_id=user.school_id)
    return jobs.filter(mine)


def file_digest(handle) -> tuple[str, int]:
    """SHA-256 (hex) and size of an open binary file, read in chunks from its start."""
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def create(*, kind: str, school, by, params: dict | None = None, upload=None) -> Job:
    """A job waiting to start, with the uploaded file it will read (its hash and size kept)."""
    job = Job(kind=kind, school=school, created_by=by, params=params or {})
    if upload is not None:
        job.sha256, job.size = file_digest(upload)
        job.file_name = (upload.name or "")[-255:]
        job.file.save(job.file_name or "upload", File(upload), save=False)
    job.save()
    return job


def stored_file_matches(job: Job) -> bool:
    """Whether the job's stored file is still the one uploaded (same SHA-256)."""
    try:
        with job.file.open("rb") as handle:
            return file_digest(handle)[0] == job.sha256
    except (FileNotFoundError, ValueError):
        return False


def start(job: Job, *, total: int = 0) -> Job:
    """Mark a job running (committed at once when called outside a transaction)."""
    job.status, job.started_at, job.done, job.total = Status.RUNNING, timezone.now(), 0, total
    Job.objects.filter(pk=job.pk).update(
        status=job.status, started_at=job.started_at, done=0, total=total, error=""
    )
    return job


def claim(found: QuerySet[Job], *, redelivered: bool = False) -> Job | None:
    """Take the job in ``found`` for this worker, or None when it is gone, finished, or
    running on another worker.

    A task's message may be delivered twice (published twice, or by two beats): one
    conditional UPDATE takes a job that waits, so only one worker runs it. A job left running
    is taken again only by a message the broker hands out again because the worker that took
    it died (``redelivered``: its pool process was killed, or its whole worker and the
    visibility timeout passed); the work starts over (a roster import is all or nothing, a
    batch of portfolios writes its zip at the end).
    """
    takeable = Q(status=Status.WAITING)
    if redelivered:
        takeable |= Q(status=Status.RUNNING)
    if not found.filter(takeable).update(status=Status.RUNNING, started_at=timezone.now()):
        return None
    return found.first()


def redelivered(task_request) -> bool:
    """Whether a Celery task's message came back from a worker that died with it."""
    return bool((task_request.delivery_info or {}).get("redelivered"))


def finish(job: Job, *, result: dict, file=None, file_name: str = "") -> Job:
    """Mark a job done with what came of it (and the file it made, if any)."""
    job.status, job.finished_at, job.result = Status.DONE, timezone.now(), result
    job.done = max(job.done, job.total)
    fields = ["status", "finished_at", "result", "done"]
    if file is not None:
        job.sha256, job.size = file_digest(file)
        job.file_name = file_name[-255:]
        with faults("storing a job's file"):  # a store that is down fails the job clearly
            job.file.save(job.file_name or "result", File(file), save=False)
        fields += ["file", "file_name", "sha256", "size"]
    job.save(update_fields=fields)
    return job


def fail(job: Job, reason: str, *, result: dict | None = None) -> Job:
    """Mark a job failed, saying why in plain words (kept short)."""
    job.status, job.finished_at, job.error = Status.FAILED, timezone.now(), reason[:ERROR_LENGTH]
    fields = ["status", "finished_at", "error"]
    if result is not None:
        job.result = result
        fields.append("result")
    job.save(update_fields=fields)
    return job


def status_of(job: Job) -> dict:
    """The little a status poll answers: no names, no results."""
    return {"status": job.status, "done": job.done, "total": job.total, "percent": job.percent}


class Progress:
    """``progress(done, total)`` for a job's work: writes the job's progress where a page can
    see it while the work's own transaction runs (see the module docstring), at most every
    ``PROGRESS_EVERY`` seconds and always the last step. Use as a context manager, so the
    side connection is closed at the end."""

    def __init__(self, job: Job):
        self.job = job
        self.side = None
        self.aside = True  # write on a side connection while that can see the row
        self.written_at = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __call__(self, done: int, total: int) -> None:
        self.job.done, self.job.total = done, total
        now = time.monotonic()
        if done < total and now - self.written_at < PROGRESS_EVERY:
            return
        self.written_at = now
        self.write(done, total)

    def write(self, done: int, total: int) -> None:
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(done=done, total=total)
            return
        if self.aside and connection.vendor == "postgresql" and self._write_aside(done, total):
            return
        # The job's row is not committed (made in this same transaction: nobody else sees
        # it anyway), or SQLite: write it in the work's transaction.
        self.aside = False
        with transaction.atomic():  # a savepoint: seen when the work commits
            Job.objects.filter(pk=self.job.pk).update(done=done, total=total)

    def _write_aside(self, done: int, total: int) -> bool:
        """Write on the side connection; False when it cannot see the job's row."""
        table = connection.ops.quote_name(Job._meta.db_table)
        try:
            if self.side is None:
                # A new connection with the same settings, not the thread's shared one.
                self.side = connections.create_connection(connection.alias)
                self.side.set_autocommit(False)
            with self.side.cursor() as cursor:
                # The lock wait is bounded for this transaction only (SET LOCAL): a setting
                # of the session would stay on a server connection that a transaction-mode
                # pooler (PgBouncer) hands to other clients next.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
                cursor.execute(
                    f"UPDATE {table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                    [done, total, self.job.pk],
                )
                written = cursor.rowcount > 0
            self.side.commit()
            return written
        except DatabaseError:
            logger.warning("Progress of job %s not written", self.job.pk, exc_info=True)
            self._roll_back_aside()
            return True  # skipped: progress is never worth failing the job for

    def _roll_back_aside(self) -> None:
        try:
            self.side.rollback()
        except (DatabaseError, AttributeError):
            self.close()  # a broken side connection is made anew at the next write

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
