"""The internships report: participation, hours against the target, hours by site and
cluster, mentors' checks, days waiting for the mentor, internships gone quiet; its drill-down,
reach, downloads and query count."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from bigpicture.pages.reports.internships import REPORT
from internships.models import DailyLog, HoursTarget, Placement
from tests import factories
from tests.reports.helpers import drilled_page, scope_of
from tests.reports.helpers import row_texts as row


@dataclass
class Interns:
    small: object
    welding: object  # manufacturing site
    clinic: object  # health site
    expired: object  # mentor at the clinic, check expired yesterday
    soon: object  # a second clinic mentor, check expiring in 10 days


def tables(user, **query) -> dict:
    sections = REPORT.sections(scope_of(user, **query))
    return {section.table.slug: section.table for section in sections}


drilled = partial(drilled_page, "internships")


def log(placement, days_ago, *, confirmed=None, review=DailyLog.Review.CONFIRMED):
    today = placement.student.school.today()
    return factories.DailyLogFactory(
        placement=placement,
        on=today - timedelta(days=days_ago),
        checked_out_at=timezone.now(),
        hours=8,
        review=review,
        confirmed_hours=confirmed,
    )


@pytest.fixture
def interns(small) -> Interns:
    """Harbor (101, target 100 h): one intern with 30 confirmed hours and a day waiting 10
    days, one intern gone quiet with a mentor whose check expired, one without internship.
    Summit (401, target 40 h): one completed internship with 40 hours, one only proposed."""
    school, today = small.school, small.school.today()
    HoursTarget.objects.create(school=school, year_level=101, hours=100)
    HoursTarget.objects.create(school=school, year_level=401, hours=40)
    welding = factories.SiteFactory(
        school=school, organization="Welding Co", cluster="manufacturing"
    )
    clinic = factories.SiteFactory(school=school, organization="Clinic", cluster="health")
    expired = factories.MentorProfileFactory(
        site=clinic,
        checked_on=today - timedelta(days=400),
        check_expires_on=today - timedelta(days=1),
    )
    soon = factories.MentorProfileFactory(site=clinic, check_expires_on=today + timedelta(days=10))
    first, quiet, _none = small.harbor_students
    working = factories.PlacementFactory(student=first, site=welding)
    log(working, 3, confirmed=Decimal("20"))
    log(working, 5, confirmed=Decimal("10"))
    log(working, 10, review=DailyLog.Review.CLAIMED)
    factories.PlacementFactory(student=quiet, site=clinic, mentor=expired)
    done, proposed = small.summit_students
    completed = factories.PlacementFactory(
        student=done, site=welding, status=Placement.Status.COMPLETED
    )
    log(completed, 20, confirmed=Decimal("40"))
    factories.PlacementFactory(
        student=proposed, site=clinic, mentor=soon, status=Placement.Status.APPROVED
    )
    return Interns(small, welding, clinic, expired, soon)


def test_participation_counts_students_with_an_internship_by_year_level(interns):
    table = tables(interns.small.admin)["participation"]
    assert row(table, "101") == ["101", "3", "2", "66.7 %"]
    assert row(table, "401")[1:3] == ["2", "1"]
    assert row(table, "201")[1:3] == ["0", "0"]


def test_confirmed_hours_fall_in_bands_of_the_target(interns):
    table = tables(interns.small.admin)["hours"]
    assert table.headers[4:] == [
        "No hours",
        "Under 25 %",
        "25 to 50 %",
        "50 to 75 %",
        "75 to 100 %",
        "Target met",
    ]
    first = row(table, "101")
    assert first[1:4] == ["3", "100", "10.0"]
    assert first[4:] == ["2", "0", "1", "0", "0", "0"]
    assert row(table, "401")[4:] == ["1", "0", "0", "0", "0", "1"]
    assert row(table, "201")[2] == "\u2013"  # no target, no bands
    assert row(table, "201")[4:] == ["\u2013"] * 6


def test_hours_by_site_and_by_cluster(interns):
    found = tables(interns.small.admin)
    assert row(found["sites"], "Welding Co")[1:] == [
        "Manufacturing",
        "70.0",
        "3",
        "2",
    ]
    assert [cells[0].text for cells in found["sites"].rows] == ["Welding Co"]
    assert row(found["clusters"], "Manufacturing")[1:] == ["70.0", "3", "2"]


def test_mentors_whose_check_expired_or_expires_soon(interns):
    table = tables(interns.small.admin)["mentors"]
    names = [cells[0].text for cells in table.rows]
    expired, soon = interns.expired.user.get_full_name(), interns.soon.user.get_full_name()
    assert names == [expired, soon]  # soonest expiry first; the welding mentors are fine
    assert row(table, expired)[4:] == ["-1", "1"]
    assert row(table, soon)[4:] == ["10", "1"]


def test_days_unconfirmed_and_internships_gone_quiet(interns):
    found = tables(interns.small.admin)
    assert row(found["unconfirmed"], "Harbor")[1:] == ["1", "1", "0", "1", "0", "0", "10"]
    assert row(found["unconfirmed"], "Summit")[1:3] == ["0", "0"]
    assert row(found["quiet"], "Harbor")[1:3] == ["2", "1"]
    assert row(found["quiet"], "Summit")[1:3] == ["0", "0"]


def test_each_number_lists_exactly_its_students(client, interns):
    small = interns.small
    first, quiet, none = small.harbor_students
    done, proposed = small.summit_students
    client.force_login(small.admin)

    def only(html, *inside):
        everyone = [*small.harbor_students, *small.summit_students]
        return {s.pk for s in everyone if s.get_absolute_url() in html} == {s.pk for s in inside}

    assert only(drilled(client, "interns", level=101), first, quiet)
    assert only(drilled(client, "hours", level=101, band="none"), quiet, none)
    assert only(drilled(client, "hours", level=101, band="half"), first)
    assert only(drilled(client, "hours", level=401, band="met"), done)
    assert only(drilled(client, "site", site=interns.welding.pk), first, done)
    assert only(drilled(client, "cluster", cluster="manufacturing"), first, done)
    assert only(drilled(client, "mentor", mentor=interns.expired.pk), quiet)
    assert only(drilled(client, "mentor", mentor=interns.soon.pk), proposed)
    assert only(drilled(client, "unconfirmed", advisory=small.harbor.pk, age="fortnight"), first)
    assert only(drilled(client, "unconfirmed", advisory=small.harbor.pk, age="week"))
    assert only(drilled(client, "quiet", advisory=small.harbor.pk), quiet)
    assert only(drilled(client, "active", advisory=small.harbor.pk), first, quiet)


@pytest.mark.parametrize(
    "query",
    [
        "measure=nothing",
        "measure=hours&of_level=101&of_band=most",
        "measure=hours&of_level=201&of_band=none",  # no target for 201
        "measure=interns&of_level=7",
        "measure=site&of_site=OTHER_SITE",
        "measure=cluster&of_cluster=space",
        "measure=mentor&of_mentor=FINE_MENTOR",
        "measure=quiet&of_advisory=OTHER_ADVISORY",
        "measure=unconfirmed&of_advisory=HARBOR&of_age=ages",
    ],
)
def test_an_unknown_number_or_one_out_of_reach_is_a_404(client, interns, query):
    small = interns.small
    other = factories.AdvisoryFactory()
    named = {
        "OTHER_SITE": factories.SiteFactory(school=other.school).pk,
        "FINE_MENTOR": factories.MentorProfileFactory(site=interns.welding).pk,
        "OTHER_ADVISORY": other.pk,
        "HARBOR": small.harbor.pk,
    }
    for name, pk in named.items():
        query = query.replace(name, str(pk))
    client.force_login(small.admin)
    url = reverse("reports:report-students", args=["internships"]) + "?" + query
    assert client.get(url).status_code == 404


def test_an_advisor_sees_only_their_advisory(client, interns):
    small = interns.small
    advisor = small.summit.advisor
    found = tables(advisor)
    assert [cells[0].text for cells in found["quiet"].rows] == ["Summit"]
    assert row(found["participation"], "101")[1:3] == ["0", "0"]
    assert row(found["participation"], "401")[1:3] == ["2", "1"]
    assert [cells[0].text for cells in found["mentors"].rows] == [interns.soon.user.get_full_name()]
    client.force_login(advisor)
    html = drilled(client, "site", site=interns.welding.pk)
    assert small.summit_students[0].get_absolute_url() in html
    assert small.harbor_students[0].get_absolute_url() not in html
    url = reverse("reports:report-students", args=["internships"])
    assert client.get(f"{url}?measure=mentor&of_mentor={interns.expired.pk}").status_code == 404
    assert client.get(f"{url}?measure=quiet&of_advisory={small.harbor.pk}").status_code == 404


def test_the_page_the_tables_and_the_students_download(client, interns):
    client.force_login(interns.small.admin)
    response = client.get(reverse("reports:report", args=["internships"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="internships-hours-title"' in html and "Internships gone quiet" in html
    for slug in ("participation", "hours", "sites", "clusters", "mentors", "unconfirmed", "quiet"):
        url = reverse(
            "reports:report-table", kwargs={"slug": "internships", "table": slug, "format": "csv"}
        )
        response = client.get(url)
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) >= 2
    url = reverse("reports:report-students-export", kwargs={"slug": "internships", "format": "csv"})
    response = client.get(url)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][3:] == [
        "Confirmed hours",
        "Days waiting for the mentor",
        "Internship gone quiet",
    ]
    by_name = {line[0]: line[3:] for line in rows[1:]}
    first, quiet = interns.small.harbor_students[:2]
    hours, *rest = by_name[first.display_name]
    assert Decimal(hours) == 30 and rest == ["1", "no"]  # the database writes 30 or 30.00
    hours, *rest = by_name[quiet.display_name]
    assert Decimal(hours) == 0 and rest == ["0", "yes"]


def add_students(small, count):
    today = small.school.today()
    site = factories.SiteFactory(school=small.school, organization="More Co", cluster="it")
    for _ in range(count):
        student = factories.MembershipFactory(
            advisory=small.harbor,
            start_date=small.year.start_date,
            student__graduating_class=small.harbor.graduating_class,
        ).student
        placement = factories.PlacementFactory(student=student, site=site)
        log(placement, 2, confirmed=Decimal("3"))
        log(placement, 4, review=DailyLog.Review.CLAIMED)
        factories.MentorProfileFactory(site=site, check_expires_on=today + timedelta(days=5))


def test_sections_cost_a_fixed_number_of_queries(small, django_assert_max_num_queries):
    HoursTarget.objects.create(school=small.school, year_level=101, hours=100)
    add_students(small, 1)
    scope = scope_of(small.admin)
    with django_assert_max_num_queries(20) as few:
        REPORT.sections(scope)
    add_students(small, 7)
    scope = scope_of(small.admin)
    with django_assert_max_num_queries(len(few)) as many:
        REPORT.sections(scope)
    assert len(many) == len(few)
