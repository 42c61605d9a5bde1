"""Downloading a portfolio: who may, what each viewer sees in it, its language and paper, the
record of access; without Pango the page says how to switch PDFs on."""

import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse

from bigpicture.models import AccessRecord
from bigpicture.pages import pdf
from bigpicture.pages.portfolio.services import portfolio_html
from students.models import Exhibition, Narrative, Student
from tests import factories

pytestmark = pytest.mark.skipif(not pdf.AVAILABLE, reason="needs Pango for WeasyPrint")


def _url(world, **query) -> str:
    url = reverse("portfolio:student", args=[world.student.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _html(world, role: str, language: str = "en") -> str:
    student = Student.objects.select_related("user", "school").get(pk=world.student.pk)
    return portfolio_html(student=student, viewer=world.person(role), paper="a4", language=language)


def test_a_family_downloads_a_pdf_and_the_download_is_recorded(world, one_year, client_as):
    response = client_as("guardian").get(_url(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="portfolio-')
    assert response.content.startswith(b"%PDF")
    assert b"%%EOF" in response.content[-64:]
    export = AccessRecord.objects.get(action=AccessRecord.Action.EXPORT)
    assert (export.student_id, export.person_id, export.source) == (
        world.student.pk,
        world.guardian.pk,
        "portfolio:student",
    )


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian"])
def test_the_learning_team_downloads_it(world, client_as, role):
    assert client_as(role).get(_url(world)).content.startswith(b"%PDF")


def test_families_see_only_published_narratives(world, one_year):
    term = one_year[0]
    Narrative.objects.filter(term=term, kind=Narrative.Kind.ADVISOR).update(published_at=None)
    family = _html(world, "guardian")
    assert "Tested every hull 2." in family, "a published narrative of another term"
    assert "Tested every hull 1." not in family, "the unpublished one"
    assert "I spoke up 1." not in family, "the student's own stays with the student and staff"
    student = _html(world, "student")
    assert "I spoke up 1." in student and "Tested every hull 1." not in student
    advisor = _html(world, "advisor")
    assert "Tested every hull 1." in advisor and "Draft, not published" in advisor
    assert "Draft, not published" not in family


def test_feedback_waits_for_the_exhibition_to_be_held_for_the_family(world, one_year):
    Exhibition.objects.filter(title="Exhibition 4").update(
        status=Exhibition.Status.SCHEDULED, gateway="graduation"
    )
    family = _html(world, "guardian")
    advisor = _html(world, "advisor")
    assert family.count("Clear and confident.") == 3 and advisor.count("Clear and confident.") == 4
    assert "Graduation gateway" in family


def test_the_family_reads_it_in_their_language(world, one_year, client_as):
    html = _html(world, "guardian", language="es")
    assert '<html lang="es">' in html
    assert "Pasantías" in html and "Narrativa del/la asesor/a" in html
    assert "Internships" not in html
    assert b"/Lang (en)" in _objects_of(client_as("guardian").get(_url(world)).content)
    world.guardian.language = "es"
    world.guardian.save(update_fields=["language"])
    assert b"/Lang (es)" in _objects_of(client_as("guardian").get(_url(world)).content)
    asked = client_as("guardian").get(_url(world, lang="en")).content
    assert b"/Lang (en)" in _objects_of(asked), "?lang= overrides the person's language"


def _objects_of(content: bytes) -> bytes:
    """A PDF's objects as written, its compressed streams opened (WeasyPrint keeps the
    catalog and the pages in compressed object streams)."""
    opened = [content]
    # the line end before ``endstream`` is left to the decompressor (data may end in \r)
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            opened.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    return b"".join(opened)


@pytest.mark.parametrize(("paper", "width_mm"), [("letter", 215.9), ("a4", 210.0)])
def test_the_paper_asked_for(world, one_year, paper, width_mm):
    student = Student.objects.select_related("user", "school").get(pk=world.student.pk)
    html = portfolio_html(student=student, viewer=world.admin, paper=paper, language="en")
    document = pdf.HTML(string=html).render()
    page = document.pages[0]
    assert page.width * 25.4 / 96 == pytest.approx(width_mm, abs=0.5)
    # the profile, the year (a page of its own), the internships
    assert len(document.pages) >= 3
    assert document.write_pdf().startswith(b"%PDF")


def test_the_paper_parameter_reaches_the_pdf(world, client_as):
    world.school.time_zone = "Europe/Madrid"
    world.school.save(update_fields=["time_zone"])
    a4 = client_as("admin").get(_url(world)).content
    letter = client_as("admin").get(_url(world, paper="letter")).content
    assert b"/MediaBox [0 0 595" in _objects_of(a4)
    assert b"/MediaBox [0 0 612" in _objects_of(letter)


def test_a_mentor_may_not_and_another_school_sees_nothing(world, client_as):
    assert client_as("mentor").get(_url(world)).status_code == 403
    assert client_as("admin2").get(_url(world)).status_code == 404
    advisor = factories.AdvisoryFactory(school=world.school).advisor
    other = Client()
    other.force_login(advisor)
    assert other.get(_url(world)).status_code == 404


def test_without_pango_the_page_says_how_to_switch_pdfs_on(world, client_as, monkeypatch):
    monkeypatch.setattr(pdf, "AVAILABLE", False)
    response = client_as("guardian").get(_url(world))
    assert response.status_code == 503
    assert "libpango" in response.content.decode()
    assert not AccessRecord.objects.exists()


def test_the_student_page_and_the_family_home_link_it(world, client_as):
    url = reverse("portfolio:student", args=[world.student.pk]).encode()
    page = client_as("advisor").get(reverse("students:student-detail", args=[world.student.pk]))
    assert url in page.content
    assert url in client_as("guardian").get(reverse("bigpicture:home")).content


def test_an_advisory_page_offers_its_batch(world, client_as):
    page = client_as("advisor").get(reverse("advisories:advisory-detail", args=[world.advisory.pk]))
    assert reverse("portfolio:advisory-batch", args=[world.advisory.pk]).encode() in page.content
    overview = client_as("admin").get(reverse("bigpicture:school-overview", args=[world.school.pk]))
    assert reverse("portfolio:level-batch", args=[world.school.pk]).encode() in overview.content
