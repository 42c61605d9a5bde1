"""The portfolio in a real browser: the demo guardian, who reads Spanish, finds the portfolio
on their child's card at home and gets a PDF in Spanish; the demo advisor makes their
advisory's portfolios, follows the job and downloads the zip."""

import io
import re
import zipfile
import zlib
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from advisories.models import Advisory, Membership
from bigpicture.models import AccessRecord, Job, User
from students.models import Student

PHONE = {"width": 390, "height": 844}


def _objects_of(content: bytes) -> bytes:
    """A PDF's objects as written, its compressed streams opened."""
    opened = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            opened.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    return b"".join(opened)


def test_a_family_downloads_the_portfolio(visitor, demo):
    guardian = User.objects.get(email=demo.guardian)
    student = Student.objects.get(user__email=demo.student)
    page = visitor.page
    visitor.sign_in(demo.guardian)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    visitor.check_accessibility()

    card = page.locator("main .card").filter(
        has=page.get_by_role("link", name=student.display_name, exact=True)
    )
    link = card.first.locator(f'a[href="{reverse("portfolio:student", args=[student.pk])}"]')
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(rf"portfolio-[a-z0-9-]+-{student.pk}\.pdf", download.suggested_filename)
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF") and b"%%EOF" in content[-64:]
    assert b"/Lang (es)" in _objects_of(content), "in the family's language"
    assert AccessRecord.objects.filter(
        action="export", student_id=student.pk, person_id=guardian.pk
    ).exists()


def test_an_advisor_makes_the_advisorys_portfolios(visitor, demo):
    advisor = User.objects.get(email=demo.advisor)
    advisory = Advisory.objects.filter(advisor=advisor).order_by("pk").first()
    size = Membership.objects.current().filter(advisory=advisory).count()
    page = visitor.page
    visitor.sign_in(demo.advisor)
    visitor.goto(advisory.get_absolute_url())
    page.get_by_role("link", name="Portfolios", exact=True).click()
    expect(
        page.get_by_role("heading", name=f"Portfolios of the advisory {advisory.name}")
    ).to_be_visible()
    page.set_viewport_size(PHONE)
    visitor.check_accessibility()
    page.get_by_label("Paper").select_option("letter")
    # In the tests the work runs in the request itself (no worker): the answer takes as long
    # as the whole batch.
    page.get_by_role("button", name="Make the portfolios").click(no_wait_after=True)
    expect(page.get_by_text("Done on")).to_be_visible(timeout=180_000)
    job = Job.objects.get(kind="portfolios", created_by=advisor)
    visitor.check_accessibility()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download portfolios-")).click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert len(archive.namelist()) == size == job.total
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
