"""Between school years, every page of every role keeps answering.

A school in the summer break has no term and no school year running: either the next year is
not set up yet (the demo built in spring, read in July), or it is, and starts in a few weeks
(the demo built in July), or the school has no year at all (just opened). Each role signs in
and follows every link its pages show, a few of each kind of page, and every one answers
without a server error or a dead link.
"""

import re
from collections import Counter, deque
from datetime import UTC, datetime
from html import unescape

import pytest
import time_machine
from django.urls import Resolver404, resolve

from bigpicture.demo import build_demo_school
from bigpicture.models import SchoolYear, Term, User
from tests import factories

pytestmark = pytest.mark.django_db

SUMMER_DAY = datetime(2027, 7, 15, 16, 0, tzinfo=UTC)
SPRING_DAY = datetime(2027, 5, 1, 16, 0, tzinfo=UTC)
HREF = re.compile(r'href="(/[^"#]*)"')
NOT_FOLLOWED = re.compile(r"^/(static|back-office|accounts/logout|i18n)/")
PER_PAGE_KIND = 2  # pages of each URL name visited (two students' plans, not all of them)
ROLES = ["admin", "advisor", "student", "guardian", "mentor"]


def _crawl(client, start: str = "/") -> dict[str, int]:
    """Follow a person's links breadth first; return the status of each path visited."""
    seen, kinds, statuses = {start}, Counter(), {}
    queue = deque([start])
    while queue:
        path = queue.popleft()
        response = client.get(path)
        statuses[path] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(response.content.decode()):
            link = unescape(link)
            if link in seen or NOT_FOLLOWED.match(link):
                continue
            try:
                kind = resolve(link.split("?")[0]).view_name
            except Resolver404:
                kind = link
            seen.add(link)
            if kinds[kind] < PER_PAGE_KIND:
                kinds[kind] += 1
                queue.append(link)
    return statuses


def _demo_built_on(moment: datetime) -> dict[str, str]:
    with time_machine.travel(moment, tick=False):
        logins = build_demo_school(students=40, seed=2026)
    return {role: getattr(logins, role) for role in ROLES}


def _school_without_years() -> dict[str, str]:
    """A school just opened: people in every role, an advisory, an internship, no year."""
    school = factories.SchoolFactory()
    membership = factories.MembershipFactory(advisory__school=school)
    link = factories.GuardianLinkFactory(student=membership.student)
    placement = factories.PlacementFactory(student=membership.student)
    factories.DailyLogFactory(placement=placement)
    people = [
        factories.AdminFactory(school=school),
        membership.advisory.advisor,
        membership.student.user,
        link.guardian,
        placement.mentor.user,
    ]
    return {role: person.email for role, person in zip(ROLES, people, strict=True)}


SCHOOLS = {
    "next-year-not-set-up": lambda: _demo_built_on(SPRING_DAY),
    "next-year-ahead": lambda: _demo_built_on(SUMMER_DAY),
    "no-year-at-all": _school_without_years,
}


@pytest.mark.parametrize("school", SCHOOLS)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_answers_in_the_summer_break(client, role, school):
    logins = SCHOOLS[school]()
    with time_machine.travel(SUMMER_DAY, tick=False):
        person = User.objects.select_related("school").get(email=logins[role])
        today = person.school.today()
        running = {"start_date__lte": today, "end_date__gte": today}
        assert not SchoolYear.objects.filter(school=person.school, **running).exists()
        assert not Term.objects.of_school(person.school_id).filter(**running).exists()
        client.force_login(person)
        statuses = _crawl(client)
    broken = {path: status for path, status in statuses.items() if status >= 400}
    assert broken == {}
    assert len(statuses) >= 5, statuses  # the crawl saw the role's pages, not a dead end
