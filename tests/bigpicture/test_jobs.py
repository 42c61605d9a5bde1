"""Background jobs: who sees them, their progress while the work's transaction runs, and
their pages (progress bar, status answer, file download)."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.urls import reverse

from bigpicture import jobs
from bigpicture.models import Job
from tests import factories


def _job(school, by, **fields) -> Job:
    return Job.objects.create(kind=Job.Kind.PORTFOLIOS, school=school, created_by=by, **fields)


def test_who_sees_a_job(world):
    asked = _job(world.school, world.advisor)
    other = _job(world.school, world.other_advisor)
    assert set(jobs.visible_to(world.advisor)) == {asked}
    assert set(jobs.visible_to(world.admin)) == {asked, other}
    assert set(jobs.visible_to(world.admin2)) == set()
    assert set(jobs.visible_to(world.guardian)) == set()


def test_create_keeps_the_file_its_hash_and_size(world):
    upload = ContentFile(b"sourcedId,name\n1,Ana\n", name="roster.csv")
    job = jobs.create(
        kind=Job.Kind.ROSTER_CHECK, school=world.school, by=world.admin, upload=upload
    )
    job.refresh_from_db()
    assert job.file_name == "roster.csv"
    assert job.size == 21
    assert job.sha256 == hashlib.sha256(b"sourcedId,name\n1,Ana\n").hexdigest()
    assert jobs.stored_file_matches(job)
    with job.file.open("wb") as handle:  # someone changed the stored file
        handle.write(b"sourcedId,name\n1,Bob\n")
    assert not jobs.stored_file_matches(job)


def test_start_progress_finish_and_fail(world):
    job = jobs.start(_job(world.school, world.admin), total=10)
    with jobs.Progress(job) as progress:
        progress(4, 10)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("running", 4, 10, 40)
    jobs.finish(job, result={"counts": {"students": {"created": 3}}})
    job.refresh_from_db()
    assert (job.status, job.percent, job.finished) == ("done", 100, True)
    failed = jobs.fail(_job(world.school, world.admin), "x" * 900)
    failed.refresh_from_db()
    assert failed.status == "failed" and len(failed.error) == 500


def test_progress_written_at_most_twice_a_second_but_always_the_last(world, monkeypatch):
    job = jobs.start(_job(world.school, world.admin))
    writes = []
    progress = jobs.Progress(job)
    monkeypatch.setattr(progress, "write", lambda done, total: writes.append(done))
    for done in range(1, 101):
        progress(done, 100)
    assert writes[0] == 1 and writes[-1] == 100
    assert len(writes) < 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_shows_while_the_work_transaction_is_open():
    """The import holds one transaction; its progress is seen by others before it commits."""
    school = factories.SchoolFactory()
    job = jobs.start(Job.objects.create(kind=Job.Kind.ROSTER_IMPORT, school=school))
    watcher = connections.create_connection("default")  # the status page's connection
    try:
        with transaction.atomic():
            factories.SchoolFactory(slug="written-by-the-work")
            with jobs.Progress(job) as progress:
                progress(7, 10)
                with watcher.cursor() as cursor:
                    cursor.execute("SELECT done, total FROM bigpicture_job WHERE id = %s", [job.pk])
                    assert cursor.fetchone() == (7, 10)
                    cursor.execute(
                        "SELECT count(*) FROM bigpicture_school WHERE slug = %s",
                        ["written-by-the-work"],
                    )
                    assert cursor.fetchone() == (0,), "the work itself is not committed yet"
            assert connection.in_atomic_block
    finally:
        watcher.close()


@pytest.mark.postgres
def test_progress_of_a_job_the_transaction_made_does_not_wait(world):
    """A job row not yet committed (a test's or a request's): the side update finds no row
    and returns, never waiting on a lock."""
    job = jobs.start(_job(world.school, world.admin))
    with jobs.Progress(job) as progress:
        progress(10, 10)
        assert progress.aside is False
    assert progress.side is None
    job.refresh_from_db()
    assert (job.done, job.total) == (10, 10)


def test_status_answers_numbers_only(client_as, world):
    job = _job(world.school, world.advisor, status=Job.Status.RUNNING, done=3, total=12)
    response = client_as("advisor").get(reverse("bigpicture:job-status", args=[job.pk]))
    assert response.json() == {"status": "running", "done": 3, "total": 12, "percent": 25}
    assert response["Cache-Control"] == "private, no-store"


def test_a_running_job_page_reloads_without_scripts_and_polls_with_them(client_as, world):
    job = _job(world.school, world.advisor, status=Job.Status.RUNNING, done=1, total=4)
    page = client_as("advisor").get(reverse("bigpicture:job-detail", args=[job.pk]))
    html = page.content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert 'src="/static/js/job-progress.js" defer' in html
    assert f'data-status-url="{reverse("bigpicture:job-status", args=[job.pk])}"' in html
    assert '<progress class="w-100" id="job-progress-bar" max="100" value="25">' in html
    assert "1 of 4 (25%)" in html


def test_a_finished_job_page_shows_its_result_and_stops_reloading(client_as, world):
    job = _job(world.school, world.admin, status=Job.Status.DONE, done=2, total=2)
    jobs.finish(job, result={"counts": {"students": {"created": 5, "updated": 1}}})
    jobs.finish(job, result=job.result, file=io.BytesIO(b"zip"), file_name="four.zip")
    html = client_as("admin").get(reverse("bigpicture:job-detail", args=[job.pk])).content
    html = html.decode()
    assert "http-equiv" not in html and "job-progress.js" not in html
    assert 'value="100"' in html
    assert '<th scope="row">students</th><td class="text-end">5</td>' in html
    assert reverse("bigpicture:job-file", args=[job.pk]) in html


def test_a_failed_job_says_why(client_as, world):
    job = jobs.fail(_job(world.school, world.admin), "The file has errors: nothing was imported.")
    html = client_as("admin").get(reverse("bigpicture:job-detail", args=[job.pk])).content
    assert b"The file has errors: nothing was imported." in html
    assert b'role="alert"' in html


def test_the_file_a_job_made_downloads_and_is_recorded(client_as, world, monkeypatch):
    job = _job(world.school, world.advisor)
    jobs.finish(job, result={}, file=io.BytesIO(b"PK zip bytes"), file_name="harbor.zip")
    recorded = []
    monkeypatch.setitem(
        jobs.DOWNLOAD_RECORDS, Job.Kind.PORTFOLIOS, lambda request, job: recorded.append(job.pk)
    )
    response = client_as("admin").get(reverse("bigpicture:job-file", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="harbor.zip"'
    assert b"".join(response.streaming_content) == b"PK zip bytes"
    assert recorded == [job.pk]


def test_no_file_before_the_job_is_done(client_as, world):
    job = _job(world.school, world.advisor, status=Job.Status.RUNNING)
    job.file.save("part.zip", ContentFile(b"half"))
    response = client_as("advisor").get(reverse("bigpicture:job-file", args=[job.pk]))
    assert response.status_code == 404


def test_job_pages_cost_a_fixed_number_of_queries(client_as, world, django_assert_max_num_queries):
    job = _job(world.school, world.advisor, status=Job.Status.RUNNING, done=1, total=4)
    client = client_as("advisor")
    client.get(reverse("bigpicture:job-detail", args=[job.pk]))
    with django_assert_max_num_queries(8):
        client.get(reverse("bigpicture:job-detail", args=[job.pk]))
