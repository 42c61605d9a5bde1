"""The families report: families reached, languages, email switched off, consent turnaround;
its drill-down, reach, downloads and query count."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from bigpicture.models import NotificationPreference
from bigpicture.pages.reports.families import REPORT
from internships.models import Placement
from tests import factories
from tests.reports.helpers import drilled_page, scope_of
from tests.reports.helpers import row_texts as row

PROGRESS = "A weekly summary of each child's progress"
INTERNSHIPS = "Internships: consent, hours, mentors and messages"


@dataclass
class Families:
    small: object
    quick: object  # h0's placement: consent two hours after approval
    slow: object  # s0's placement: consent five days after approval


def tables(user, **query) -> dict:
    sections = REPORT.sections(scope_of(user, **query))
    return {section.table.slug: section for section in sections}


drilled = partial(drilled_page, "families")


def guardian(student, language="en", **fields):
    person = factories.GuardianFactory(school=student.school, language=language, **fields)
    factories.GuardianLinkFactory(student=student, guardian=person)
    return person


def consented(student, *, after):
    approved = timezone.now() - timedelta(days=20)
    return factories.PlacementFactory(
        student=student,
        status=Placement.Status.CONSENTED,
        approved_at=approved,
        consented_at=approved + after,
    )


@pytest.fixture
def families(small) -> Families:
    """Harbor: h0 with an English and a Spanish guardian (the latter switched internship
    email off), h1 with a deactivated guardian, h2 with none. Summit: s0 with a Spanish
    guardian who chose the weekly progress email, s1 with an English guardian."""
    h0, h1, _h2 = small.harbor_students
    s0, s1 = small.summit_students
    guardian(h0)
    spanish = guardian(h0, "es")
    NotificationPreference.objects.create(user=spanish, kind="internships", delivery="off")
    guardian(h1, is_active=False)
    weekly = guardian(s0, "es")
    NotificationPreference.objects.create(user=weekly, kind="progress", delivery="now")
    guardian(s1)
    quick = consented(h0, after=timedelta(hours=2))
    slow = consented(s0, after=timedelta(days=5))
    factories.PlacementFactory(
        student=s1, status=Placement.Status.APPROVED, approved_at=timezone.now()
    )
    return Families(small, quick, slow)


def test_families_reached_by_advisory(families):
    reach = tables(families.small.admin)["reach"]
    assert row(reach.table, "Harbor")[1:] == ["3", "2", "1", "33.3 %", "2"]
    assert row(reach.table, "Summit")[1:] == ["2", "2", "2", "100.0 %", "0"]
    assert "no phone number" in reach.text


def test_languages_count_guardians_and_their_students(families):
    table = tables(families.small.admin)["languages"].table
    assert [[cell.text for cell in cells] for cells in table.rows] == [
        ["English", "3", "3"],
        ["Spanish", "2", "2"],
    ]


def test_email_switched_off_per_kind_among_guardians_reached(families):
    email = tables(families.small.admin)["email"]
    assert row(email.table, INTERNSHIPS)[1:] == ["1", "25.0 %"]
    # Off unless chosen: everyone reached but the guardian who chose it.
    assert row(email.table, PROGRESS)[1:] == ["3", "75.0 %"]
    assert "Of the 4 guardians" in email.text and "of 5 linked" in email.text


def test_consent_turnaround_bands_median_and_waiting(families):
    consent = tables(families.small.admin)["consent"]
    counts = [cells[1].text for cells in consent.table.rows]
    assert counts == ["1", "0", "1", "0", "0", "1"]
    assert "2 consents" in consent.text
    assert "median of 2.5 days" in consent.text  # (2 hours + 5 days) / 2


def test_consents_outside_the_period_do_not_count(families):
    small = families.small
    Placement.objects.filter(pk=families.slow.pk).update(
        consented_at=timezone.now() - timedelta(days=400),
        approved_at=timezone.now() - timedelta(days=405),
    )
    consent = tables(small.admin)["consent"]
    assert [cells[1].text for cells in consent.table.rows][:5] == ["1", "0", "0", "0", "0"]


def test_each_number_lists_exactly_its_students(client, families):
    small = families.small
    h0, h1, h2 = small.harbor_students
    s0, s1 = small.summit_students
    client.force_login(small.admin)

    def only(html, *inside):
        everyone = [*small.harbor_students, *small.summit_students]
        return {s.pk for s in everyone if s.get_absolute_url() in html} == {s.pk for s in inside}

    assert only(drilled(client, "students", advisory=small.harbor.pk), h0, h1, h2)
    assert only(drilled(client, "reached", advisory=small.harbor.pk), h0)
    assert only(drilled(client, "unreached", advisory=small.harbor.pk), h1, h2)
    assert only(drilled(client, "language", language="es"), h0, s0)
    assert only(drilled(client, "off", kind="internships"), h0)
    assert only(drilled(client, "off", kind="progress"), h0, s1)
    assert only(drilled(client, "consent", band="day"), h0)
    assert only(drilled(client, "consent", band="week"), s0)
    assert only(drilled(client, "waiting"), s1)


@pytest.mark.parametrize(
    "query",
    [
        "measure=nothing",
        "measure=reached&of_advisory=OTHER",
        "measure=reached",
        "measure=language&of_language=xx",
        "measure=off&of_kind=account",  # cannot be switched off
        "measure=consent&of_band=ages",
    ],
)
def test_an_unknown_number_or_one_out_of_reach_is_a_404(client, families, query):
    other = factories.AdvisoryFactory()
    client.force_login(families.small.admin)
    url = reverse("reports:report-students", args=["families"])
    assert client.get(f"{url}?{query.replace('OTHER', str(other.pk))}").status_code == 404


def test_an_advisor_sees_only_their_advisory(client, families):
    small = families.small
    found = tables(small.summit.advisor)
    assert [cells[0].text for cells in found["reach"].table.rows] == ["Summit"]
    assert [[c.text for c in cells] for cells in found["languages"].table.rows] == [
        ["English", "1", "1"],
        ["Spanish", "1", "1"],
    ]
    assert [cells[1].text for cells in found["consent"].table.rows] == [
        *("0", "0", "1", "0", "0"),
        "1",
    ]
    client.force_login(small.summit.advisor)
    html = drilled(client, "language", language="es")
    assert small.summit_students[0].get_absolute_url() in html
    assert small.harbor_students[0].get_absolute_url() not in html
    url = reverse("reports:report-students", args=["families"])
    assert client.get(f"{url}?measure=reached&of_advisory={small.harbor.pk}").status_code == 404


def test_the_page_the_tables_and_the_students_download(client, families):
    client.force_login(families.small.admin)
    response = client.get(reverse("reports:report", args=["families"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="families-reach-title"' in html and "Consent turnaround" in html
    for slug in ("reach", "languages", "email", "consent"):
        url = reverse(
            "reports:report-table", kwargs={"slug": "families", "table": slug, "format": "csv"}
        )
        response = client.get(url)
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) >= 2
    url = reverse("reports:report-students-export", kwargs={"slug": "families", "format": "csv"})
    response = client.get(url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][3:] == ["Guardians", "Guardians reached"]
    h0, h1, h2 = families.small.harbor_students
    by_name = {line[0]: line[3:] for line in rows[1:]}
    assert by_name[h0.display_name] == ["2", "2"]
    assert by_name[h1.display_name] == ["1", "0"]
    assert by_name[h2.display_name] == ["0", "0"]


def add_families(small, count):
    for index in range(count):
        student = factories.MembershipFactory(
            advisory=small.harbor,
            start_date=small.year.start_date,
            student__graduating_class=small.harbor.graduating_class,
        ).student
        person = guardian(student, "es" if index % 2 else "en")
        NotificationPreference.objects.create(user=person, kind="learning", delivery="off")
        consented(student, after=timedelta(days=index))


def test_sections_cost_a_fixed_number_of_queries(small, django_assert_max_num_queries):
    add_families(small, 3)
    with django_assert_max_num_queries(20) as few:
        REPORT.sections(scope_of(small.admin))
    add_families(small, 7)
    with django_assert_max_num_queries(len(few)) as many:
        REPORT.sections(scope_of(small.admin))
    assert len(many) == len(few)
