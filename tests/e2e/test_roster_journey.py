"""An admin brings the roster in: uploads a small OneRoster zip, reads the dry run's report,
imports it, and watches the progress bar reach done with the counts. Tasks run in-process
here; the polling script is watched on a job that a test step moves along.

Every page passes axe and has no sideways scroll at 390 px."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bigpicture.demo import DEMO_PASSWORD
from bigpicture.models import Job
from students.models import Student
from tests import factories
from tests.students.roster_files import oneroster_zip

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def registrar(transactional_db):
    school = factories.SchoolFactory(name="Met Roster", slug="met-roster")
    admin = factories.AdminFactory(school=school, email="registrar@roster.test")
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    return admin


def _checked(visitor) -> None:
    """axe at the wide size, then no sideways scroll on a phone."""
    page = visitor.page
    visitor.check_accessibility()
    page.set_viewport_size(PHONE)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{page.url} is {wide} px wide on a phone"
    page.set_viewport_size(WIDE)


def test_an_admin_imports_a_oneroster_zip(visitor, registrar, tmp_path):
    page = visitor.page
    archive = tmp_path / "sis-export.zip"
    archive.write_bytes(oneroster_zip(3))

    visitor.sign_in(registrar.email)
    visitor.goto(reverse("students:roster"))
    expect(page.get_by_role("heading", name="Roster of Met Roster")).to_be_visible()
    _checked(visitor)

    page.locator("#id_file").set_input_files(str(archive))
    page.get_by_role("button", name="Check the file").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    _checked(visitor)

    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_role("heading", name="What an import would do")).to_be_visible()
    students = page.locator("#roster-counts tr", has_text="students")
    expect(students.locator("td").first).to_have_text("3")
    assert Student.objects.filter(school=registrar.school).count() == 0
    _checked(visitor)

    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.locator("#job-progress-status")).to_contain_text("Done")
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    expect(page.locator("#job-counts tr", has_text="students").locator("td").first).to_have_text(
        "3"
    )
    _checked(visitor)
    assert Student.objects.filter(school=registrar.school).count() == 3

    visitor.goto(reverse("students:roster"))
    history = page.locator("#roster-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("sis-export.zip")
    expect(history.first).to_contain_text("students: 3 created")
    _checked(visitor)


def test_the_progress_bar_follows_a_running_job_and_shows_its_end(visitor, registrar):
    """The page polls the job's status, moves the bar, and reloads once the job is done."""
    page = visitor.page
    job = Job.objects.create(
        kind=Job.Kind.ROSTER_IMPORT,
        school=registrar.school,
        created_by=registrar,
        status=Job.Status.RUNNING,
        done=3,
        total=10,
        file_name="sis-export.zip",
    )
    visitor.sign_in(registrar.email)
    visitor.goto(reverse("bigpicture:job-detail", args=[job.pk]))
    bar = page.locator("#job-progress-bar")
    expect(bar).to_have_attribute("value", "30")
    _checked(visitor)

    Job.objects.filter(pk=job.pk).update(done=7)
    expect(page.locator("#job-progress-count")).to_have_text("7 of 10 (70%)")
    expect(bar).to_have_js_property("value", 70)

    counts = {"students": {"created": 10, "updated": 0, "ended": 0, "unchanged": 0}}
    Job.objects.filter(pk=job.pk).update(
        done=10, status=Job.Status.DONE, result={"counts": counts, "errors": []}
    )
    expect(page.locator(".alert-success")).to_contain_text("Done on")
    expect(bar).to_have_attribute("value", "100")
    expect(page.locator("#job-counts tr", has_text="students").locator("td").first).to_have_text(
        "10"
    )
    _checked(visitor)
