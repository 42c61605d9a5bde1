"""A batch of portfolios: who may ask, the job it makes, the zip of PDFs and the progress
counted student by student."""

import io
import zipfile

import pytest
from django.urls import reverse

from bigpicture.models import AccessRecord, Job
from bigpicture.pages import pdf
from bigpicture.pages.portfolio import services
from bigpicture.pages.portfolio.tasks import build_portfolios
from students.models import Student
from tests import factories

pytestmark = pytest.mark.skipif(not pdf.AVAILABLE, reason="needs Pango for WeasyPrint")

FORM = {"paper": "letter", "language": "es"}


def _advisory_of_three(world):
    for _ in range(2):
        factories.MembershipFactory(advisory=world.advisory)
    return Student.objects.filter(memberships__advisory=world.advisory)


def test_the_advisor_makes_the_advisorys_portfolios(
    world, client_as, django_capture_on_commit_callbacks
):
    students = _advisory_of_three(world)
    url = reverse("portfolio:advisory-batch", args=[world.advisory.pk])
    client = client_as("advisor")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, FORM)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("bigpicture:job-detail", kwargs={"pk": job.pk})
    assert (job.kind, job.status, job.done, job.total) == ("portfolios", "done", 3, 3)
    assert job.created_by == world.advisor and job.school == world.school
    assert job.params["paper"] == "letter" and job.params["language"] == "es"
    assert job.result == {"portfolios": 3, "left_out": 0}
    with job.file.open("rb") as stored, zipfile.ZipFile(io.BytesIO(stored.read())) as archive:
        names = archive.namelist()
        assert len(names) == 3 and all(name.endswith(".pdf") for name in names)
        assert all(archive.read(name).startswith(b"%PDF") for name in names)
        assert {name.rsplit("-", 1)[1] for name in names} == {f"{s.pk}.pdf" for s in students}
    assert job.size == job.file.size and len(job.sha256) == 64
    exports = AccessRecord.objects.filter(action="export", person_id=world.advisor.pk)
    assert not exports.exists(), "asked for, not yet downloaded"
    download = client.get(reverse("bigpicture:job-file", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert set(exports.values_list("student_id", flat=True)) == {s.pk for s in students}


def test_progress_is_counted_as_each_portfolio_is_made(world, monkeypatch):
    students = _advisory_of_three(world)
    job = services.batch_start(
        by=world.advisor,
        school=world.school,
        students=students,
        paper="a4",
        language="en",
        label="Harbor",
    )
    seen = []
    made = services.portfolio_pdf

    def counting(**kwargs):
        seen.append(Job.objects.values_list("status", "done").get(pk=job.pk))
        return made(**kwargs)

    monkeypatch.setattr(services, "portfolio_pdf", counting)
    build_portfolios(job.pk)
    assert seen == [("running", 0), ("running", 1), ("running", 2)]
    job.refresh_from_db()
    assert (job.status, job.done, job.percent) == ("done", 3, 100)
    build_portfolios(job.pk)  # a finished job is left alone
    assert len(seen) == 3


def test_a_failure_is_told_on_the_job(world, monkeypatch):
    job = services.batch_start(
        by=world.advisor,
        school=world.school,
        students=Student.objects.filter(pk=world.student.pk),
        paper="a4",
        language="en",
        label="Harbor",
    )

    def broken(**kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "portfolio_pdf", broken)
    build_portfolios(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "no fonts")


def test_an_admin_makes_a_year_levels_portfolios(
    world, client_as, django_capture_on_commit_callbacks
):
    level_401 = world.year.graduation_year
    for _ in range(2):
        factories.StudentFactory(school=world.school, graduating_class=level_401)
    factories.StudentFactory(school=world.school2, graduating_class=level_401)
    url = reverse("portfolio:level-batch", args=[world.school.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("admin").post(url, {**FORM, "year_level": "401"})
    job = Job.objects.get()
    assert response.url == reverse("bigpicture:job-detail", kwargs={"pk": job.pk})
    assert (job.status, job.total, job.done) == ("done", 2, 2)


def test_nobody_to_make_a_portfolio_for_is_said_next_to_the_form(world, client_as):
    url = reverse("portfolio:level-batch", args=[world.school.pk])
    response = client_as("admin").post(url, {**FORM, "year_level": "201"})
    assert response.status_code == 200
    assert "There are no students to make portfolios for." in response.content.decode()
    assert not Job.objects.exists()


def test_a_bad_choice_keeps_the_form(world, client_as):
    url = reverse("portfolio:advisory-batch", args=[world.advisory.pk])
    response = client_as("advisor").post(url, {"paper": "legal", "language": "es"})
    assert response.status_code == 200 and "legal" in response.content.decode()
    assert not Job.objects.exists()


def test_who_may_ask_for_a_batch(world, client_as):
    own = reverse("portfolio:advisory-batch", args=[world.advisory.pk])
    other = reverse("portfolio:advisory-batch", args=[world.other_advisory.pk])
    assert client_as("advisor").post(other, FORM).status_code == 404
    assert client_as("admin2").post(own, FORM).status_code == 404
    assert client_as("guardian").post(own, FORM).status_code == 403
    level = reverse("portfolio:level-batch", args=[world.school.pk])
    assert client_as("advisor").post(level, {**FORM, "year_level": "101"}).status_code == 403
    assert not Job.objects.exists()
