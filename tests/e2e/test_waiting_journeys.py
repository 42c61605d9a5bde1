"""The "waiting for you" list in a real browser: the advisor finds an internship proposal on
their home, follows it and approves it, and it leaves the list; a mentor with several days of
one week waiting reaches them from their home and confirms the week in one action.

The demo's people are found by role and state (whoever has a proposal waiting, whichever
mentor has a week of days), not by name: the demo's story may be retold."""

import re
from datetime import timedelta

from django.core import mail
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from playwright.sync_api import expect

from advisories.models import Membership
from internships.models import DailyLog, Placement


def _waiting(page):
    return page.locator("#waiting")


def _a_proposal_its_advisor_can_approve() -> Placement:
    """A proposed internship of a student in an advisory now, whose mentor may take it."""
    advised = Membership.objects.current().filter(advisory__advisor__is_active=True)
    proposals = Placement.objects.filter(
        status=Placement.Status.PROPOSED, student__in=advised.values("student_id")
    ).select_related("mentor", "student__school")
    for placement in proposals.order_by("pk"):
        day = max(placement.start_on, placement.student.school.today())
        if not placement.mentor.placement_refusal(day):
            return placement
    raise AssertionError("The demo has no proposal an advisor could approve")


def test_advisor_approves_a_proposal_found_on_home(visitor, demo):
    placement = _a_proposal_its_advisor_can_approve()
    membership = Membership.objects.current().get(student=placement.student)
    advisor = membership.advisory.advisor
    detail = placement.get_absolute_url()
    page = visitor.page
    visitor.sign_in(advisor.email)

    waiting = _waiting(page)
    expect(waiting.get_by_role("heading", name=re.compile("Waiting for you"))).to_be_visible()
    item = waiting.locator(f'a[href="{detail}"]')
    expect(item).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile(r"^\d+ waiting$"))).to_be_visible()
    visitor.check_accessibility()

    item.click()
    expect(page).to_have_url(re.compile(re.escape(detail) + "$"))
    visitor.check_accessibility()
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_load_state()
    placement.refresh_from_db()
    assert placement.status == Placement.Status.APPROVED

    visitor.goto("/")
    expect(_waiting(page).locator(f'a[href="{detail}"]')).to_have_count(0)
    visitor.check_accessibility()


def _a_mentor_with_a_week_of_days():
    """A mentor with two or more checked-out days of one intern in one week, waiting; if the
    demo has none, one intern is given such a week."""
    waiting = DailyLog.objects.filter(
        review=DailyLog.Review.CLAIMED,
        checked_out_at__isnull=False,
        placement__status=Placement.Status.ACTIVE,
        placement__mentor__user__is_active=True,
    )
    weeks = (
        waiting.annotate(week=TruncWeek("on"))
        .values("placement_id", "week")
        .annotate(days=Count("pk"))
        .filter(days__gte=2)
        .order_by("placement_id")
    )
    row = weeks.first()
    if row is not None:
        return Placement.objects.select_related("mentor__user").get(pk=row["placement_id"])
    placement = Placement.objects.filter(status=Placement.Status.ACTIVE).first()
    monday = placement.student.school.today() - timedelta(days=7)
    monday -= timedelta(days=monday.weekday())
    for offset in (0, 1, 2):
        DailyLog.objects.update_or_create(
            placement=placement,
            on=monday + timedelta(days=offset),
            defaults={
                "goal": "Sort the week's deliveries",
                "did": "Sorted and shelved the deliveries",
                "reflection": "Order saves time",
                "hours": 4,
                **{"learning": 4, "engagement": 4, "support": 4},
                "checked_out_at": timezone.now(),
                "review": DailyLog.Review.CLAIMED,
            },
        )
    return placement


def _sign_in_by_link(visitor, email: str) -> None:
    page = visitor.page
    visitor.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("Mentors")).click()
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(email)
    page.get_by_role("button", name=re.compile("link", re.IGNORECASE)).click()
    expect(page.get_by_text(re.compile("on its way"))).to_be_visible()
    portal_link = re.compile(r"https?://[^\s\"<>]+/internships/portal/(?!sign-in/)[^\s\"<>]+/")
    links = [
        found.group(0)
        for m in mail.outbox
        if email in m.to and (found := portal_link.search(m.body))
    ]
    link = links[-1]
    visitor.goto(link[link.index("/internships/") :])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_mentor_confirms_a_week_in_one_action_from_home(visitor, demo):
    mentor = _a_mentor_with_a_week_of_days().mentor.user
    page = visitor.page
    _sign_in_by_link(visitor, mentor.email)

    visitor.goto("/")
    waiting = _waiting(page)
    expect(waiting.get_by_text(re.compile(r"\d+ days to confirm")).first).to_be_visible()
    visitor.check_accessibility()
    waiting.get_by_role("link", name=re.compile("^Confirm the days")).first.click()
    expect(page).to_have_url(re.compile(r"/internships/mentor/logs/"))
    visitor.check_accessibility()

    # A week of several days: one button confirms them all.
    several = page.get_by_role("button", name=re.compile(r"^Confirm these \d+ days"))
    form = page.locator("main form").filter(has=several).first
    button = form.get_by_role("button")
    versions = form.locator('input[name="day"]').evaluate_all("inputs => inputs.map(i => i.value)")
    assert len(versions) >= 2
    week = [int(version.partition(":")[0]) for version in versions]
    button.click()
    page.wait_for_load_state()
    confirmed = DailyLog.objects.filter(pk__in=week, review=DailyLog.Review.CONFIRMED)
    assert confirmed.count() == len(week)
    visitor.check_accessibility()
