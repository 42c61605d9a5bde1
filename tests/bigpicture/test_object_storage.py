"""Private files on disk and in an S3-compatible bucket (issue 18): the same tests run on both
(``file_store``), the bucket a real server spoken to over HTTP. Uploads are checked before
anything is stored, downloads stream after the access check in byte ranges (a range is one
ranged GetObject, never the whole object), a store that is down is a form error or a 503 and
leaves nothing half-written, orphans are swept after a day, and existing files move to a
bucket with ``move_files_to_bucket``."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from bigpicture import jobs, storage
from bigpicture.models import Job
from bigpicture.models.jobs import job_path
from bigpicture.pages.portfolio import services as portfolio_services
from bigpicture.pages.portfolio.tasks import build_portfolios
from bigpicture.storage import STORE_DOWN, StoreUnavailable
from bigpicture.tasks import sweep_orphan_files
from students.models import Evidence, Student
from students.services import evidence as evidence_services
from students.services import plans as plan_services
from students.services import roster_jobs
from tests import factories
from tests.storage import (
    REGION,
    bucket_env,
    bucket_options,
    bucket_storages,
    client,
    make_bucket,
)
from tests.students.roster_files import oneroster_zip

ROOT = Path(__file__).resolve().parents[2]
FTYP = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomavc1"
VIDEO = FTYP + bytes(range(256)) * 400  # 102,424 bytes, each position telling
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(4096)


@pytest.fixture
def item(world):
    plan = plan_services.plan_start(student=world.student, term=world.term, by=world.student.user)
    return plan_services.item_add(
        plan=plan, by=world.student.user, title="Film the exhibition", is_personal=True
    )


@pytest.fixture
def bucket(s3_endpoint, settings):
    name = make_bucket(s3_endpoint)
    settings.STORAGES = bucket_storages(settings.STORAGES, s3_endpoint, name)
    return name


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(world, item, name: str, content: bytes) -> Evidence:
    return evidence_services.evidence_add(
        item=item, by=world.student.user, title=name, file=upload(name, content)
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# The settings ------------------------------------------------------------------------------


def settings_in_process(env: dict[str, str]) -> dict:
    """The private storage the settings make from this environment, read in a new process."""
    script = (
        "import json, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'bigpicture.settings')\n"
        "from bigpicture import settings\n"
        "private = settings.STORAGES['private']\n"
        "options = dict(private['OPTIONS'])\n"
        "config = options.pop('client_config', None)\n"
        "if config is not None:\n"
        "    options['client_config'] = [config.connect_timeout, config.read_timeout,\n"
        "                                config.retries]\n"
        "print(json.dumps({'BACKEND': private['BACKEND'], 'OPTIONS': options}))\n"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("FILES_")}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script],
        env={**clean, "BIGPICTURE_ENV": "development", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_with_no_bucket_set_files_stay_on_disk():
    private = settings_in_process({})
    assert private["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert private["OPTIONS"]["base_url"] is None


def test_a_bucket_is_private_with_short_timeouts_as_the_tests_run_it():
    env = bucket_env("http://store.example:9000", "school-files", prefix="met")
    private = settings_in_process(env)
    tested = bucket_options("http://store.example:9000", "school-files", prefix="met")
    config = tested.pop("client_config")
    del tested["access_key"], tested["secret_key"]  # boto3 reads them from the environment
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["OPTIONS"] == {
        **tested,
        "client_config": [config.connect_timeout, config.read_timeout, config.retries],
    }
    assert private["OPTIONS"]["default_acl"] is None
    assert private["OPTIONS"]["file_overwrite"] is False
    assert private["OPTIONS"]["region_name"] == REGION


def test_the_fields_follow_the_setting(file_store):
    field = Evidence._meta.get_field("file")
    assert storage.in_bucket(field.storage) == (file_store.kind == "s3")
    assert Job._meta.get_field("file").storage is field.storage


# Evidence ----------------------------------------------------------------------------------


def test_evidence_is_stored_served_in_ranges_and_removed(
    world, item, client, file_store, django_capture_on_commit_callbacks
):
    film = add(world, item, "film.mp4", VIDEO)
    assert file_store.names() == {film.file.name}
    client.force_login(world.advisor)
    url = film.get_absolute_url()

    whole = client.get(url)
    assert whole.status_code == 200
    assert body(whole) == VIDEO
    assert whole["Content-Length"] == str(len(VIDEO))
    assert whole["Content-Disposition"] == 'inline; filename="film.mp4"'

    part = client.get(url, headers={"Range": "bytes=50000-50099"})
    assert part.status_code == 206
    assert body(part) == VIDEO[50000:50100]
    assert part["Content-Range"] == f"bytes 50000-50099/{len(VIDEO)}"
    assert client.get(url, headers={"Range": "bytes=-10"}).getvalue() == VIDEO[-10:]
    assert client.get(url, headers={"Range": f"bytes={len(VIDEO)}-"}).status_code == 416

    client.force_login(world.advisor2)  # another school's advisor: out of reach
    assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        evidence_services.evidence_remove(evidence=film, by=world.student.user)
    assert file_store.names() == set()


def test_a_range_from_a_bucket_asks_for_that_range_only(world, item, client, bucket):
    film = add(world, item, "film.mp4", VIDEO)
    asked = []

    def record(params, **kwargs):
        asked.append(params.get("Range"))

    events = storages["private"].connection.meta.client.meta.events
    events.register("before-parameter-build.s3.GetObject", record)
    try:
        client.force_login(world.student.user)
        response = client.get(film.get_absolute_url(), headers={"Range": "bytes=100-199"})
        assert body(response) == VIDEO[100:200]
    finally:
        events.unregister("before-parameter-build.s3.GetObject", record)
    assert asked == ["bytes=100-199"]


def test_a_missing_file_is_404(world, item, client, file_store):
    film = add(world, item, "film.mp4", VIDEO)
    storages["private"].delete(film.file.name)
    client.force_login(world.advisor)
    assert client.get(film.get_absolute_url()).status_code == 404


def test_a_file_refused_by_its_content_or_size_is_never_stored(world, item, client, file_store):
    with pytest.raises(Exception, match="not accepted"):
        add(world, item, "film.mp4", EXE)
    world.school.evidence_limit_mb = 1
    world.school.save(update_fields=["evidence_limit_mb"])
    client.force_login(world.student.user)
    url = reverse("students:evidence-create", args=[item.pk])
    big = upload("film.mp4", FTYP + bytes(3 * 2**20))
    response = client.post(url, {"title": "Too big", "file": big})
    assert response.status_code == 200
    assert "the largest your school accepts is 1 MB" in response.context["form"].errors["file"][0]
    assert not Evidence.objects.exists()
    assert file_store.names() == set()


def test_an_upload_with_the_store_down_keeps_the_form_and_writes_nothing(
    world, item, client, file_store, caplog
):
    file_store.go_down()
    client.force_login(world.student.user)
    url = reverse("students:evidence-create", args=[item.pk])
    with caplog.at_level(logging.WARNING, logger="bigpicture.storage"):
        response = client.post(url, {"title": "My exhibition", "file": upload("a.pdf", PDF)})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == [STORE_DOWN]
    assert form["title"].value() == "My exhibition"
    assert not Evidence.objects.exists()
    assert "File store unavailable while storing an upload" in caplog.text


def test_a_download_with_the_store_down_is_a_short_503(world, item, client, file_store, caplog):
    film = add(world, item, "film.mp4", VIDEO)
    file_store.go_down()
    client.force_login(world.advisor)
    with caplog.at_level(logging.WARNING, logger="bigpicture.storage"):
        response = client.get(film.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "cannot be reached at the moment" in response.content.decode()
    assert "File store unavailable while opening a file" in caplog.text


# Jobs' files -------------------------------------------------------------------------------


def test_a_jobs_file_downloads_from_the_store(world, client, file_store):
    job = Job.objects.create(kind=Job.Kind.PORTFOLIOS, school=world.school, created_by=world.admin)
    zipped = b"PK\x03\x04" + bytes(range(256)) * 100
    jobs.finish(job, result={}, file=io.BytesIO(zipped), file_name="harbor.zip")
    assert file_store.names() == {job.file.name}
    client.force_login(world.admin)
    url = reverse("bigpicture:job-file", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="harbor.zip"'
    assert body(response) == zipped
    resumed = client.get(url, headers={"Range": "bytes=1000-"})
    assert resumed.status_code == 206 and body(resumed) == zipped[1000:]


def test_a_portfolio_batch_with_the_store_down_fails_saying_so(world, file_store, monkeypatch):
    monkeypatch.setattr(portfolio_services, "portfolio_pdf", lambda **kwargs: PDF)
    job = portfolio_services.batch_start(
        by=world.advisor,
        school=world.school,
        students=Student.objects.filter(pk=world.student.pk),
        paper="a4",
        language="en",
        label="Harbor",
    )
    file_store.go_down()
    build_portfolios(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, job.file.name) == (Job.Status.FAILED, STORE_DOWN, "")


@pytest.fixture
def roster_admin(client, db):
    school = factories.SchoolFactory(name="Met Roster", slug="met-roster")
    admin = factories.AdminFactory(school=school)
    client.force_login(admin)
    return client


def post_roster(client):
    roster = upload("roster.zip", oneroster_zip(3))
    return client.post(reverse("students:roster"), {"file": roster, "file_format": ""})


def test_a_roster_is_kept_in_the_store_and_checked_from_it(
    roster_admin, file_store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_roster(roster_admin)
    assert response.status_code == 302
    check = Job.objects.get()
    assert file_store.names() == {check.file.name}
    assert check.status == Job.Status.DONE, check.error
    assert check.result["counts"]["students"]["created"] == 3


def test_a_roster_upload_with_the_store_down_keeps_the_form_and_writes_nothing(
    roster_admin, file_store
):
    file_store.go_down()
    response = post_roster(roster_admin)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [STORE_DOWN]
    assert not Job.objects.exists()


def test_a_roster_check_with_the_store_down_fails_saying_so(roster_admin, file_store):
    post_roster(roster_admin)  # the check is queued on commit: not run yet
    check = Job.objects.get()
    file_store.go_down()
    roster_jobs.roster_check_run(check)
    check.refresh_from_db()
    assert (check.status, check.error) == (Job.Status.FAILED, roster_jobs.STORE_DOWN)


# Orphans -----------------------------------------------------------------------------------


# The disk and the S3 server stamp files with the machine's clock, which --clock does not move.
@pytest.mark.real_clock
def test_orphans_older_than_a_day_are_swept(world, item, file_store, monkeypatch):
    kept = add(world, item, "kept.pdf", PDF)
    # An upload whose transaction failed after its file was stored leaves an orphan.
    monkeypatch.setattr(evidence_services, "revise", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        add(world, item, "lost.pdf", PDF)
    assert Evidence.objects.get() == kept
    orphans = file_store.names() - {kept.file.name}
    assert len(orphans) == 1
    file_store.put("jobs/portfolios/left-behind", b"zip")

    assert sweep_orphan_files() == 0, "a fresh orphan may still be on its way to commit"
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    assert storage.sweep_orphans(now=tomorrow) == 2
    assert file_store.names() == {kept.file.name}


def test_the_sweep_lists_the_bucket_in_pages_and_deletes_in_batches(
    world, item, file_store, monkeypatch
):
    monkeypatch.setattr(storage, "SWEEP_CHUNK", 3)
    kept = add(world, item, "kept.pdf", PDF)
    for number in range(7):
        file_store.put(f"evidence/0/orphan-{number}", b"x")
    assert storage.sweep_orphans(now=timezone.now() + timedelta(days=2)) == 7
    assert file_store.names() == {kept.file.name}


def test_the_sweep_touches_nothing_outside_the_apps_folders(world, item, file_store):
    """A bucket may hold other things (another deployment's files with no FILES_PREFIX, a
    backup): only the folders the app stores its files in are swept."""
    for name in ("backups/2026-12-01.dump", "other-deployment/evidence/1/a", "readme"):
        file_store.put(name, b"not ours")
    file_store.put("evidence/0/orphan", b"ours")
    assert storage.sweep_orphans(now=timezone.now() + timedelta(days=2)) == 1
    assert file_store.names() == {
        "backups/2026-12-01.dump",
        "other-deployment/evidence/1/a",
        "readme",
    }


def test_the_apps_files_are_stored_in_the_swept_folders(world, item):
    evidence = add(world, item, "kept.pdf", PDF)
    job = Job(kind=Job.Kind.PORTFOLIOS)
    for name in (evidence.file.name, job_path(job, "x.zip")):
        assert name.split("/")[0] in storage.APP_FOLDERS, name


def test_the_sweep_with_the_store_down_fails_loudly(file_store, db):
    file_store.go_down()
    with pytest.raises(StoreUnavailable):
        storage.sweep_orphans()


# Moving files to a bucket ------------------------------------------------------------------


@pytest.fixture
def on_disk(tmp_path) -> Path:
    files = {
        "evidence/1/aaa": b"%PDF-1.7 first",
        "evidence/2/bbb": bytes(range(256)) * 50,
        "jobs/roster_check/ccc": b"PK\x03\x04 roster",
    }
    for name, content in files.items():
        path = tmp_path / "private" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return tmp_path / "private"


def stored(s3_endpoint, bucket) -> dict[str, bytes]:
    s3 = client(s3_endpoint)
    listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        entry["Key"]: s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
        for entry in listing
    }


def local(on_disk) -> dict[str, bytes]:
    return {
        p.relative_to(on_disk).as_posix(): p.read_bytes() for p in on_disk.rglob("*") if p.is_file()
    }


def move(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("move_files_to_bucket", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_files_move_to_the_bucket_verified_and_resumably(s3_endpoint, bucket, on_disk):
    assert "3 to copy" in move("--source", str(on_disk), "--dry-run")
    assert stored(s3_endpoint, bucket) == {}

    assert "3 copied" in move("--source", str(on_disk))
    assert stored(s3_endpoint, bucket) == local(on_disk)
    assert local(on_disk), "the files on disk are kept"

    # Stopped and run again: a new file, and a copy left broken (same size, other bytes).
    (on_disk / "evidence/3").mkdir()
    (on_disk / "evidence/3/ddd").write_bytes(b"new")
    client(s3_endpoint).put_object(Bucket=bucket, Key="evidence/2/bbb", Body=bytes(12800))
    assert "2 copied, 2 already there" in move("--source", str(on_disk))
    assert stored(s3_endpoint, bucket) == local(on_disk)


def test_a_copy_that_does_not_match_is_reported_and_fails(s3_endpoint, bucket, on_disk):
    """The store keeps other bytes than were sent (they changed on the way or on its disk)."""
    s3 = storages["private"].connection.meta.client
    sent = []

    def note(params, **kwargs):
        sent.append(params["Key"])

    def corrupt(**kwargs):
        if sent[-1] == "evidence/1/aaa":
            client(s3_endpoint).put_object(Bucket=bucket, Key=sent[-1], Body=b"%PDF-1.7 fir5t")

    s3.meta.events.register("before-parameter-build.s3.PutObject", note)
    s3.meta.events.register("after-call.s3.PutObject", corrupt)
    try:
        with pytest.raises(CommandError, match="1 copies do not match"):
            move("--source", str(on_disk))
    finally:
        s3.meta.events.unregister("before-parameter-build.s3.PutObject", note)
        s3.meta.events.unregister("after-call.s3.PutObject", corrupt)
    assert stored(s3_endpoint, bucket)["evidence/1/aaa"] == b"%PDF-1.7 fir5t"
    assert (on_disk / "evidence/1/aaa").read_bytes() == b"%PDF-1.7 first"
    assert "1 copied, 2 already there" in move("--source", str(on_disk))
    assert stored(s3_endpoint, bucket) == local(on_disk)


def test_the_move_needs_a_bucket(on_disk, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with pytest.raises(CommandError, match="FILES_BUCKET is not set"):
        move("--source", str(on_disk))


def test_the_move_with_the_bucket_down_says_to_run_it_again(on_disk, settings):
    settings.STORAGES = bucket_storages(settings.STORAGES, "http://127.0.0.1:9", "gone")
    before = local(on_disk)
    with pytest.raises(CommandError, match="run the command again"):
        move("--source", str(on_disk))
    assert local(on_disk) == before


def test_under_a_prefix_only_that_folder_of_the_bucket_is_the_apps(
    world, item, s3_endpoint, settings
):
    name = make_bucket(s3_endpoint)
    settings.STORAGES = bucket_storages(settings.STORAGES, s3_endpoint, name, prefix="met")
    kept = add(world, item, "kept.pdf", PDF)
    s3 = client(s3_endpoint)
    s3.put_object(Bucket=name, Key="met/evidence/0/orphan", Body=b"x")
    s3.put_object(Bucket=name, Key="another-app/evidence/0/theirs", Body=b"x")
    assert storage.sweep_orphans(now=timezone.now() + timedelta(days=2)) == 1
    keys = {entry["Key"] for entry in s3.list_objects_v2(Bucket=name)["Contents"]}
    assert keys == {f"met/{kept.file.name}", "another-app/evidence/0/theirs"}


def test_a_bucket_that_does_not_exist_is_a_store_down_not_a_missing_file(
    world, item, client, s3_endpoint, settings
):
    settings.STORAGES = bucket_storages(settings.STORAGES, s3_endpoint, "never-made")
    client.force_login(world.student.user)
    url = reverse("students:evidence-create", args=[item.pk])
    response = client.post(url, {"title": "Report", "file": upload("a.pdf", PDF)})
    assert response.context["form"].errors["file"] == [STORE_DOWN]
    assert not Evidence.objects.exists()
