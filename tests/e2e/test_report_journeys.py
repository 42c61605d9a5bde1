"""The reports in a real browser: an admin filters a report, follows a number to the students
behind it and on to a student, and downloads the CSV; every report page passes axe and fits
a phone; an advisor sees the same reports about their own advisory only."""

import csv
import io
import re
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from advisories.models import Advisory
from bigpicture.pages.reports.registry import REPORTS

PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_admin_filters_a_report_follows_a_number_and_downloads_the_csv(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.admin)
    page.get_by_role("navigation").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    visitor.check_accessibility()
    page.get_by_role("link", name="Advisories", exact=True).last.click()
    expect(page.get_by_role("heading", name=re.compile("^Advisories"))).to_be_visible()

    advisory = Advisory.objects.filter(advisor__email=demo.advisor).first()
    page.get_by_label("Advisory", exact=True).select_option(label=advisory.name)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"advisory={advisory.pk}"))
    visitor.check_accessibility()
    capacity = page.locator("table", has=page.locator("caption", has_text="Size against capacity"))
    expect(capacity.locator("tbody tr")).to_have_count(1)
    size = advisory.memberships.current().count()
    capacity.get_by_role("link", name=str(size)).click()

    expect(page.get_by_role("heading", name=f"Students in {advisory.name}")).to_be_visible()
    visitor.check_accessibility()
    students = page.locator("main table tbody tr")
    expect(students).to_have_count(size)
    first = students.first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(name)))).to_be_visible()
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith("advisories-students-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Student", "Advisory", "Year level"]
    assert len(rows) == 1 + size
    assert {row[1] for row in rows[1:]} == {advisory.name}


def test_every_report_passes_axe_and_fits_a_phone(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.admin)
    for width in (None, PHONE):
        if width:
            page.set_viewport_size(width)
        for slug in REPORTS:
            visitor.goto(reverse("reports:report", args=[slug]))
            expect(page.locator("main h1")).to_be_visible()
            assert page.locator("main svg[role=img]").count() > 0, f"{slug} draws no chart"
            visitor.check_accessibility()
            if width:
                _fits_the_screen(page)
        visitor.goto(reverse("reports:report-students", args=["internships"]))
        visitor.check_accessibility()
        if width:
            _fits_the_screen(page)
    visitor.goto(reverse("reports:report", args=["advisories"]) + "?level=7")
    expect(page.get_by_text("Choose a year level: 101, 201, 301 or 401.")).to_be_visible()


def test_advisor_sees_the_reports_about_their_own_advisory(visitor, demo):
    page = visitor.page
    page.set_viewport_size(PHONE)
    visitor.sign_in(demo.advisor)
    visitor.goto(reverse("reports:report", args=["plans"]))
    visitor.check_accessibility()
    _fits_the_screen(page)
    own = Advisory.objects.filter(advisor__email=demo.advisor).values_list("name", flat=True)
    others = Advisory.objects.exclude(advisor__email=demo.advisor).values_list("name", flat=True)
    options = page.get_by_label("Advisory", exact=True).locator("option").all_inner_texts()
    assert set(options) - {"Every advisory"} == set(own)
    assert not set(options) & set(others)
