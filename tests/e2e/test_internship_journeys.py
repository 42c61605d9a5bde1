"""Internship journeys in a real browser: the student logs a day, the mentor signs in with a
one-time link and confirms it, the family consents to an internship, the advisor approves a
proposal and watches the advisory's hours."""

import re

from django.core import mail
from playwright.sync_api import expect

from internships.models import DailyLog, Placement
from students.models import Student


def test_student_checks_in_and_out_of_an_internship_day(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.student)
    expect(page.get_by_role("heading", name="My internship")).to_be_visible()
    page.get_by_role("link", name="Check in for today").click()
    visitor.check_accessibility()
    page.get_by_label("My goal for the day").fill("Fit the new rudder")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Fit the new rudder").first).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name=re.compile("^Check out")).first.click()
    visitor.check_accessibility()
    page.get_by_label("What I did").fill("Fitted and sealed the rudder with my mentor")
    page.get_by_label("Hours").fill("25")
    for rating in ("How much I learned", "How engaged I was", "How supported I felt"):
        page.get_by_role("group", name=rating).get_by_label("4").check()
    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_text(re.compile("24"))).to_be_visible()  # more than a day: refused
    expect(page.get_by_label("What I did")).to_have_value(
        "Fitted and sealed the rudder with my mentor"
    )
    page.get_by_label("Hours").fill("4.5")
    page.get_by_role("button", name="Check out").click()
    expect(page.get_by_text("Fitted and sealed the rudder with my mentor")).to_be_visible()
    visitor.check_accessibility()
    student = Student.objects.get(user__email=demo.student)
    log = DailyLog.objects.get(placement__student=student, goal="Fit the new rudder")
    assert (log.hours, log.review) == (4.5, DailyLog.Review.CLAIMED)


def test_mentor_signs_in_with_a_link_and_confirms_a_day(visitor, demo):
    page = visitor.page
    visitor.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("Mentors")).click()
    visitor.check_accessibility()
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(demo.mentor)
    page.get_by_role("button", name=re.compile("link", re.IGNORECASE)).click()
    expect(page.get_by_text(re.compile("on its way"))).to_be_visible()
    visitor.check_accessibility()

    # The demo may also have told the mentor of days waiting: pick the mail with the link.
    portal_link = re.compile(r"https?://[^\s\"<>]+/internships/portal/(?!sign-in/)[^\s\"<>]+/")
    (link,) = [
        found.group(0)
        for m in mail.outbox
        if demo.mentor in m.to and (found := portal_link.search(m.body))
    ]
    visitor.goto(link[link.index("/internships/") :])
    visitor.check_accessibility()
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_role("link", name="Sign out").or_(page.get_by_role("button", name="Sign out"))
    ).to_be_visible()
    visitor.check_accessibility()  # the mentor's list of interns
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Mentoring")).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name="Confirm days and hours").click()
    visitor.check_accessibility()
    page.get_by_role("link", name=re.compile("^Confirm or dispute")).first.click()
    visitor.check_accessibility()
    page.get_by_role("radio", name="Confirm").check()
    page.get_by_role("button", name="Send my review").click()
    expect(page.locator(".alert-success")).to_be_visible()
    visitor.check_accessibility()
    assert DailyLog.objects.filter(
        placement__mentor__user__email=demo.mentor, review=DailyLog.Review.CONFIRMED
    ).exists()
    # The link worked once: a second use is refused.
    visitor.page.goto(visitor.base_url + link[link.index("/internships/") :])
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    visitor.check_accessibility()
    # The browser reports the refusal's status (410 Gone) on the console: that one is expected.
    visitor.problems[:] = [problem for problem in visitor.problems if "410" not in problem]


def test_guardian_consents_to_an_internship_in_spanish(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.guardian)
    expect(page.get_by_role("heading", name="Mis hijos")).to_be_visible()
    page.get_by_role("link", name=re.compile("consentimiento")).first.click()
    visitor.check_accessibility()
    page.get_by_role("button", name=re.compile("Doy mi consentimiento")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    visitor.check_accessibility()
    placement = Placement.objects.get(
        student__guardian_links__guardian__email=demo.guardian,
        status=Placement.Status.CONSENTED,
    )
    assert placement.consented_by.email == demo.guardian


def test_advisor_approves_a_proposal_and_reviews_the_advisorys_hours(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.advisor)
    page.get_by_role("link", name=re.compile("^Internships of")).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    visitor.check_accessibility()

    proposal = Placement.objects.get(
        status=Placement.Status.PROPOSED,
        student__memberships__advisory__advisor__email=demo.advisor,
        student__memberships__end_date=None,
    )
    visitor.goto(proposal.get_absolute_url())
    visitor.check_accessibility()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".alert-success")).to_be_visible()
    visitor.check_accessibility()
    proposal.refresh_from_db()
    assert proposal.status == Placement.Status.APPROVED
