"""The roster pages: upload, the dry run's report, the import in the background with its
email, the history, the template and the export, and who may open them."""

import csv
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bigpicture.models import AccessRecord, Job
from students import roster
from students.models import GuardianLink, Student
from students.services.roster_jobs import roster_check_run, roster_upload
from tests import factories
from tests.students.roster_files import oneroster_zip, oneroster_zip_with_errors

ROSTER = reverse("students:roster")


@pytest.fixture
def fresh(db):
    """A school with no year yet (a file's years would overlap the world's long one), and
    its admin."""
    school = factories.SchoolFactory(name="Met Roster", slug="met-roster")
    return SimpleNamespace(school=school, admin=factories.AdminFactory(school=school))


@pytest.fixture
def admin(client, fresh):
    client.force_login(fresh.admin)
    return client


def _upload(client, content: bytes, name="roster.zip", file_format="", **extra):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(ROSTER, {"file": upload, "file_format": file_format}, **extra)


def _upload_and_check(client, hooks, content: bytes, **kwargs) -> Job:
    with hooks(execute=True):
        response = _upload(client, content, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get(kind=Job.Kind.ROSTER_CHECK)
    assert response.url == reverse("bigpicture:job-detail", args=[job.pk])
    job.refresh_from_db()
    return job


def _people(school) -> tuple[int, int]:
    return Student.objects.filter(school=school).count(), GuardianLink.objects.count()


def test_the_roster_page_offers_the_upload_the_template_and_the_export(admin):
    page = admin.get(ROSTER)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert reverse("students:roster-template") in html
    assert reverse("students:roster-export") in html
    assert "up to 100 MB" in html


def test_upload_dry_run_then_import_in_the_background_with_an_email(
    admin, fresh, django_capture_on_commit_callbacks
):
    before = _people(fresh.school)
    check = _upload_and_check(admin, django_capture_on_commit_callbacks, oneroster_zip(3))
    assert check.status == "done", check.error
    assert check.file_name == "roster.zip" and len(check.sha256) == 64 and check.size > 0
    assert _people(fresh.school) == before, "a dry run writes nothing"

    report = admin.get(reverse("students:roster-report", args=[check.pk]))
    html = report.content.decode()
    assert '<th scope="row">students</th><td class="text-end">3</td>' in html
    assert reverse("students:roster-import", args=[check.pk]) in html
    assert "roster-errors" not in html

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("students:roster-import", args=[check.pk]))
    done = Job.objects.get(kind=Job.Kind.ROSTER_IMPORT)
    assert response.url == reverse("bigpicture:job-detail", args=[done.pk])
    done.refresh_from_db()
    assert done.status == "done", done.error
    assert (done.sha256, done.file.name) == (check.sha256, check.file.name)
    assert done.result["counts"]["students"]["created"] == 3
    assert done.done == done.total and done.percent == 100
    students, links = _people(fresh.school)
    assert (students, links) == (before[0] + 3, before[1] + 3)

    assert [message.to for message in mail.outbox] == [[fresh.admin.email]]
    assert "Roster imported: roster.zip" in mail.outbox[0].subject
    assert reverse("bigpicture:job-detail", args=[done.pk]) in mail.outbox[0].body

    page = admin.get(reverse("bigpicture:job-detail", args=[done.pk])).content.decode()
    assert '<th scope="row">students</th><td class="text-end">3</td>' in page
    assert reverse("students:roster-report", args=[done.pk]) in page


def test_a_second_import_of_the_same_file_changes_nothing(
    admin, fresh, django_capture_on_commit_callbacks
):
    content = oneroster_zip(2)
    for _round in range(2):
        check = _upload_and_check(admin, django_capture_on_commit_callbacks, content)
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(reverse("students:roster-import", args=[check.pk]))
        Job.objects.filter(kind=Job.Kind.ROSTER_CHECK).update(kind=Job.Kind.ROSTER_IMPORT)
    last = Job.objects.filter(params__check__isnull=False).first()
    counts = last.result["counts"]
    assert counts["students"] == {"created": 0, "updated": 0, "ended": 0, "unchanged": 2}


def test_a_bad_file_gets_a_report_of_its_errors_and_no_import(
    admin, fresh, django_capture_on_commit_callbacks
):
    before = _people(fresh.school)
    check = _upload_and_check(
        admin, django_capture_on_commit_callbacks, oneroster_zip_with_errors()
    )
    assert check.status == "done"
    html = admin.get(reverse("students:roster-report", args=[check.pk])).content.decode()
    assert "users.csv" in html and "givenName" in html
    assert reverse("students:roster-errors", args=[check.pk]) in html
    assert reverse("students:roster-import", args=[check.pk]) not in html

    with django_capture_on_commit_callbacks(execute=True):
        refused = admin.post(reverse("students:roster-import", args=[check.pk]), follow=True)
    assert "This file has errors" in refused.content.decode()
    assert not Job.objects.filter(kind=Job.Kind.ROSTER_IMPORT).exists()
    assert _people(fresh.school) == before

    errors = admin.get(reverse("students:roster-errors", args=[check.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(errors.streaming_content).decode())))
    assert rows[0] == ["file", "line", "column", "reason"]
    assert rows[1][:3] == ["users.csv", "3", "givenName"]
    assert len(rows) - 1 == check.result["error_count"]


def test_a_file_that_is_not_a_zip_is_reported_not_imported(
    admin, fresh, django_capture_on_commit_callbacks
):
    check = _upload_and_check(
        admin, django_capture_on_commit_callbacks, b"not a zip", file_format="oneroster"
    )
    html = admin.get(reverse("students:roster-report", args=[check.pk])).content.decode()
    assert "(zip)" in html
    assert reverse("students:roster-import", args=[check.pk]) not in html


def test_the_report_shows_at_most_500_errors_and_says_how_many(admin, fresh):
    errors = [
        {"file": "users.csv", "line": n, "column": "email", "reason": "Bad."} for n in range(700)
    ]
    counts = {"students": {"created": 0, "updated": 0, "ended": 0, "unchanged": 0}}
    job = Job.objects.create(
        kind=Job.Kind.ROSTER_CHECK,
        school=fresh.school,
        created_by=fresh.admin,
        status=Job.Status.DONE,
        result={"counts": counts, "errors": errors, "ok": False, "rows": 700, "error_count": 700},
    )
    html = admin.get(reverse("students:roster-report", args=[job.pk])).content.decode()
    assert "700 errors" in html and "The first 500 are shown here." in html
    assert html.count("<td>users.csv</td>") == 500


def test_a_file_over_the_limit_is_refused_before_it_is_kept(admin, fresh, monkeypatch):
    monkeypatch.setattr(roster, "MAX_UPLOAD_BYTES", 2 * 2**20)
    response = _upload(admin, b"x" * (3 * 2**20 - 8192), name="big.zip")
    assert response.status_code == 200
    assert "This file is 3 MB; the largest roster file accepted is 2 MB." in (
        response.content.decode()
    )
    assert not Job.objects.exists()


def test_the_upload_checks_the_csrf_token(client, world):
    client.handler.enforce_csrf_checks = True
    client.force_login(world.admin)
    response = _upload(client, oneroster_zip(1))
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_the_plain_csv_template_downloads_and_imports(
    admin, fresh, django_capture_on_commit_callbacks
):
    factories.AdvisoryFactory(school=fresh.school, name="Harbor")  # the example row's
    template = admin.get(reverse("students:roster-template"))
    assert template["Content-Disposition"] == 'attachment; filename="roster-template.csv"'
    text = template.content.decode("utf-8-sig")
    assert text.splitlines()[0].split(",") == roster.PLAIN_COLUMNS
    check = _upload_and_check(
        admin, django_capture_on_commit_callbacks, text.encode(), name="plain.csv"
    )
    assert check.params["format"] == "plain"
    assert check.status == "done" and check.result["error_count"] == 0, check.result
    assert check.result["counts"]["students"]["created"] == 1


def test_a_stored_file_changed_after_the_check_is_not_imported(
    admin, fresh, django_capture_on_commit_callbacks
):
    check = _upload_and_check(admin, django_capture_on_commit_callbacks, oneroster_zip(1))
    with check.file.open("wb") as handle:
        handle.write(oneroster_zip(2))
    before = _people(fresh.school)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("students:roster-import", args=[check.pk]))
    job = Job.objects.get(kind=Job.Kind.ROSTER_IMPORT)
    assert job.status == "failed" and "SHA-256" in job.error
    assert _people(fresh.school) == before
    assert "Roster not imported" in mail.outbox[-1].subject


def test_the_export_downloads_a_oneroster_zip_and_is_recorded(client_as, world):
    response = client_as("admin").get(reverse("students:roster-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="oneroster-')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {"manifest.csv", "users.csv", "enrollments.csv"} <= set(archive.namelist())
    exported = AccessRecord.objects.filter(action=AccessRecord.Action.EXPORT)
    assert exported.count() == Student.objects.filter(school=world.school).count()
    assert set(exported.values_list("person_id", flat=True)) == {world.admin.pk}


@pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor"])
def test_only_admins_reach_the_roster(client_as, world, role):
    client = client_as(role)
    assert client.get(ROSTER).status_code == 403
    assert _upload(client, oneroster_zip(1)).status_code == 403
    assert not Job.objects.exists()


def test_another_schools_admin_cannot_read_or_import_a_check(client_as, world):
    check = Job.objects.create(
        kind=Job.Kind.ROSTER_CHECK,
        school=world.school,
        created_by=world.admin,
        status=Job.Status.DONE,
        result={"counts": {}, "errors": [], "ok": True, "rows": 0},
    )
    other = client_as("admin2")
    assert other.get(reverse("students:roster-report", args=[check.pk])).status_code == 404
    assert other.post(reverse("students:roster-import", args=[check.pk])).status_code == 404
    assert other.get(reverse("bigpicture:job-detail", args=[check.pk])).status_code == 404
    assert not Job.objects.filter(kind=Job.Kind.ROSTER_IMPORT).exists()


def _history(school, admin, count: int) -> None:
    for n in range(count):
        Job.objects.create(
            kind=Job.Kind.ROSTER_IMPORT,
            school=school,
            created_by=factories.AdminFactory(school=school) if n % 2 else admin,
            status=Job.Status.DONE,
            file_name=f"roster-{n}.zip",
            sha256="a" * 64,
            size=1234,
            result={
                "counts": {"students": {"created": n, "updated": 0, "ended": 1, "unchanged": 4}},
                "errors": [],
                "error_count": 0,
            },
        )


def test_the_history_costs_a_fixed_number_of_queries(
    admin, fresh, django_assert_num_queries, django_assert_max_num_queries
):
    _history(fresh.school, fresh.admin, 3)
    admin.get(ROSTER)  # warm the session and the school's cached values
    with django_assert_max_num_queries(50) as few:
        page = admin.get(ROSTER)
    assert page.content.decode().count("roster-") >= 3
    _history(fresh.school, fresh.admin, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        page = admin.get(ROSTER)
    html = page.content.decode()
    assert "Page 1 of 2" in html
    assert "students: 29 created, 0 updated, 1 ended" in html


def test_a_workers_report_is_in_the_language_of_the_admin_who_asked(fresh):
    """The worker runs in English; the row errors it keeps are the asking admin's language."""
    fresh.admin.language = "es"
    fresh.admin.save(update_fields=["language"])
    upload = SimpleUploadedFile("roster.zip", b"not a zip")
    with translation.override("en"):
        job = roster_upload(
            school=fresh.school, by=fresh.admin, upload=upload, file_format="oneroster"
        )
        job = roster_check_run(Job.objects.get(pk=job.pk))
    reasons = [error["reason"] for error in job.result["errors"]]
    assert reasons and reasons[0].startswith("Este no es un archivo zip"), reasons
