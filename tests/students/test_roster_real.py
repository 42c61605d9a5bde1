"""A roster import through the real parts: the upload's check and the import are published to
Redis and run by a real Celery worker in its own process, on the shared (committed)
PostgreSQL test database; the admin's email goes through the outbox to a local SMTP server.

Like tests/bigpicture/test_delivery_real.py (whose fixtures start the workers and the SMTP
server), they need PostgreSQL and Redis: outside CI they skip without them.
"""

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bigpicture.models import Job, Notification
from students.models import GuardianLink, Student
from tests import factories
from tests.bigpicture import test_delivery_real
from tests.bigpicture.test_delivery_real import (  # noqa: F401 - fixtures used below
    RecordingHandler,
    broker,
    real_parts,
)
from tests.students.roster_files import oneroster_zip

pytestmark = [pytest.mark.postgres, pytest.mark.real_clock]

TIMEOUT = 90.0
# A Redis database of our own: the delivery tests' (5) is also the cache of CI's test runs,
# which a test starting elsewhere at the same time would empty under our queued tasks.
REDIS_DB = 7


@pytest.fixture
def own_redis_db(monkeypatch):
    """Before ``broker``: publish to and work from our own Redis database."""
    monkeypatch.setattr(test_delivery_real, "REDIS_DB", REDIS_DB)


def _finished(job: Job) -> Job:
    """Wait for the worker to finish the job; fail the test after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        job.refresh_from_db()
        if job.finished:
            return job
        if time.monotonic() > deadline:
            pytest.fail(f"job {job.pk} still {job.status} after {TIMEOUT:.0f} s")
        time.sleep(0.1)


def test_an_upload_is_checked_and_imported_by_a_real_worker(
    own_redis_db,
    client,
    real_parts,  # noqa: F811
    broker,  # noqa: F811
):
    school = factories.SchoolFactory(name="Met Roster", slug="met-roster")
    admin = factories.AdminFactory(school=school, email="registrar@roster.test")
    smtp = RecordingHandler()
    workers = real_parts(smtp)
    # the worker reads the uploaded file from the tests' private storage
    workers.env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    workers.start()
    client.force_login(admin)

    upload = SimpleUploadedFile("roster.zip", oneroster_zip(4), "application/zip")
    response = client.post(reverse("students:roster"), {"file": upload, "file_format": ""})
    check = Job.objects.get(kind=Job.Kind.ROSTER_CHECK)
    assert response.url == reverse("bigpicture:job-detail", args=[check.pk])
    check = _finished(check)
    assert check.status == Job.Status.DONE, check.error
    assert check.result["error_count"] == 0, check.result["errors"]
    assert not Student.objects.filter(school=school).exists(), "the dry run wrote nothing"

    response = client.post(reverse("students:roster-import", args=[check.pk]))
    job = _finished(Job.objects.get(kind=Job.Kind.ROSTER_IMPORT))
    assert job.status == Job.Status.DONE, job.error
    assert job.result["counts"]["students"]["created"] == 4
    assert job.result["counts"]["guardians"]["created"] == 4
    assert (job.done, job.total) != (0, 0) and job.done == job.total
    assert Student.objects.filter(school=school).count() == 4
    assert GuardianLink.objects.filter(student__school=school).count() == 4

    status = client.get(reverse("bigpicture:job-status", args=[job.pk])).json()
    assert status == {"status": "done", "done": job.done, "total": job.total, "percent": 100}

    deadline = time.monotonic() + TIMEOUT
    while not smtp.received and time.monotonic() < deadline:
        time.sleep(0.1)
    sent = Notification.objects.get(rule="roster_import_done")
    assert sent.recipient == admin
    assert [key for _id, key in smtp.received] == [sent.key]
