"""The cross-school sweep of the reports: every report, every number's list of students and
every download stays within the viewer's reach, whatever the filters and parameters name."""

import re
from html import unescape

import pytest
from django.urls import reverse

from bigpicture.pages.reports.registry import REPORTS
from students.models import Student
from tests import factories

SLUGS = list(REPORTS)
STUDENT_PAGE = re.compile(r'href="(/students/\d+/)"')


def drill_links(html: str, slug: str) -> list[str]:
    prefix = reverse("reports:report-students", args=[slug])
    found = re.findall(rf'href="({re.escape(prefix)}\?[^"]*measure=[^"]+)"', html)
    return sorted({unescape(link) for link in found})


@pytest.fixture
def rich_world(world):
    """The world with a year of learning to count: plans, a meeting, an exhibition, an
    internship with a day, in both schools."""
    for student, term in ((world.student, world.term), (world.other_student, world.term)):
        factories.PlanFactory(student=student, term=term, status="submitted")
        factories.MeetingFactory(student=student, term=term)
        factories.ExhibitionFactory(student=student, term=term)
    factories.PlacementFactory(student=world.student, status="active")
    year2 = factories.SchoolYearFactory(school=world.school2)
    term2 = factories.TermFactory(school_year=year2)
    factories.PlanFactory(student=world.student2, term=term2)
    world.year2, world.term2 = year2, term2
    return world


@pytest.mark.parametrize("slug", SLUGS)
def test_every_number_lists_only_students_in_reach(client, rich_world, slug):
    world = rich_world
    own = set(Student.objects.filter(school=world.school).values_list("pk", flat=True))
    for role, reach in (("admin", own), ("advisor", {world.student.pk})):
        client.force_login(world.person(role))
        html = client.get(reverse("reports:report", args=[slug])).content.decode()
        links = drill_links(html, slug)
        assert links, f"{slug}: no number links to its students"
        for link in links:
            response = client.get(link)
            assert response.status_code == 200, f"{role} {link}"
            listed = {
                int(url.split("/")[2]) for url in STUDENT_PAGE.findall(response.content.decode())
            }
            assert listed <= reach, f"{role} {link} lists {listed - reach}"
            if "of_advisory=" in link:
                foreign = re.sub(r"of_advisory=\d+", f"of_advisory={world.advisory2.pk}", link)
                assert client.get(foreign).status_code == 404, f"{role} {foreign}"


@pytest.mark.parametrize("slug", SLUGS)
def test_filters_naming_another_school_show_nothing_of_it(client, rich_world, slug):
    world = rich_world
    client.force_login(world.admin)
    foreign = [
        {"advisory": world.advisory2.pk},
        {"year": world.year2.pk},
        {"term": world.term2.pk},
        {"level": 7},
    ]
    pages = [
        reverse("reports:report", args=[slug]),
        reverse("reports:report-students", args=[slug]),
    ]
    downloads = [reverse("reports:report-students-export", args=[slug, "csv"])]
    html = client.get(pages[0]).content.decode()
    tables = re.findall(rf"/reports/{slug}/tables/([\w-]+)\.csv", html)
    assert tables, f"{slug} offers no table to download"
    downloads += [reverse("reports:report-table", args=[slug, table, "csv"]) for table in tables]
    for query in foreign:
        text = "&".join(f"{key}={value}" for key, value in query.items())
        for page in pages:
            response = client.get(f"{page}?{text}")
            assert response.status_code == 200
            body = response.content.decode()
            assert "is-invalid" in body, f"{page}?{text} took a filter out of reach"
            assert f"/students/{world.student2.pk}/" not in body
        for download in downloads:
            assert client.get(f"{download}?{text}").status_code == 400, f"{download}?{text}"
