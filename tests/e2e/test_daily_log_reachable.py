"""The daily log in a real browser: the student checks in and out of today from the home
page, and a family follows the link from their home to their child's days and hours."""

import re

from playwright.sync_api import expect

from internships.models import DailyLog, Placement
from students.models import GuardianLink


def test_student_checks_in_and_out_from_home_and_the_family_follows_the_hours(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.student)
    page.get_by_role("link", name="Check in for today").click()
    page.get_by_label("My goal for the day").fill("Varnish the tiller")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Varnish the tiller").first).to_be_visible()

    # Back home: today is open, so the home offers its check-out, not a second check-in.
    visitor.goto("/")
    expect(page.get_by_text("You checked in today.")).to_be_visible()
    expect(page.get_by_role("link", name="Check in for today")).to_have_count(0)
    visitor.check_accessibility()
    # offered twice: on the internship's card and in "waiting for you", both to the same day
    check_outs = page.get_by_role("link", name="Check out", exact=True)
    expect(check_outs).to_have_count(2)
    assert len({check_outs.nth(i).get_attribute("href") for i in range(2)}) == 1
    check_outs.first.click()
    page.get_by_label("What I did").fill("Sanded and varnished the tiller")
    page.get_by_label("Hours").fill("5")
    for rating in ("How much I learned", "How engaged I was", "How supported I felt"):
        page.get_by_role("group", name=rating).get_by_label("4").check()
    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_text("Sanded and varnished the tiller")).to_be_visible()
    visitor.goto("/")
    expect(page.get_by_text("Today is logged.")).to_be_visible()
    expect(page.get_by_role("link", name="Check in for today")).to_have_count(0)
    log = DailyLog.objects.get(
        placement__student__user__email=demo.student, goal="Varnish the tiller"
    )
    assert log.checked_out_at is not None and log.hours == 5

    # A parent of the student signs in and reaches the day from their home.
    page.get_by_role("button", name="Sign out").click()
    link = GuardianLink.objects.filter(student=log.placement.student).select_related("guardian")
    visitor.sign_in(link.first().guardian.email)
    days = f"/internships/placements/{log.placement_id}/logs/"
    page.locator(f'main a[href="{days}"]').click()
    expect(page).to_have_url(re.compile(re.escape(days) + "$"))
    expect(page.get_by_text("Sanded and varnished the tiller")).to_be_visible()
    visitor.check_accessibility()
    # ... and from the child's internship page too.
    placement = Placement.objects.get(pk=log.placement_id)
    visitor.goto(placement.get_absolute_url())
    page.locator(f'main a[href="{days}"]').click()
    expect(page.get_by_text("Sanded and varnished the tiller")).to_be_visible()
