"""The record of access in a real browser: a family asks to see who looked at their child's
records; the admin opens the child's record of access from the profile and downloads it as CSV
and as a PDF in the family's language."""

import csv
import io
import re
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from bigpicture.models import AccessRecord
from students.models import Student

PHONE = {"width": 390, "height": 844}


def test_admin_exports_a_familys_record_of_access(visitor, demo, browser, live_server):
    student = Student.objects.select_related("user").get(user__email=demo.student)
    # The advisor reads the student's plan first: a view the record keeps.
    advisor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    advisor.goto(live_server.url + "/accounts/login/")
    advisor.get_by_label("Email address").fill(demo.advisor)
    advisor.get_by_label("Password").fill("bigpicture-demo")
    advisor.get_by_role("button", name="Sign in").click()
    advisor.goto(live_server.url + reverse("students:plan-list", args=[student.pk]))
    expect(advisor.locator("main h1")).to_be_visible()
    advisor.context.close()
    assert AccessRecord.objects.filter(
        student_id=student.pk, person_id__isnull=False, action="view", area="plan"
    ).exists()

    page = visitor.page
    visitor.sign_in(demo.admin)
    visitor.goto(student.get_absolute_url())
    page.get_by_role("link", name="Record of access").click()
    expect(page.get_by_role("heading", name=re.compile("^Record of access"))).to_be_visible()
    visitor.check_accessibility()
    expect(page.locator("main table")).to_contain_text("learning plan")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    rows = list(
        csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8-sig")))
    )
    assert rows[0][:3] == ["when", "who", "as"]
    assert any(demo.advisor in row[1] and row[4] == "learning plan" for row in rows[1:])

    page.get_by_label("PDF in").select_option("es")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF for the family").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    exports = AccessRecord.objects.filter(student_id=student.pk, action="export", area="record")
    assert exports.count() == 2

    page.set_viewport_size(PHONE)
    visitor.goto(reverse("reports:access-list"))
    visitor.check_accessibility()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the school's record is {width} px wide"
