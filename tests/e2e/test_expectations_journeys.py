"""The 10 Expectations in a real browser: a student reflects and shares a comment without
their name, which reaches the admin's school view without it; an advisor takes the morning
roll and records a check-in on a phone-sized screen; a family answers in Spanish."""

import re

from playwright.sync_api import expect

from bigpicture.selectors import current_term
from expectations.models import AttendanceMark, Engagement, Rating, Reflection
from students.models import GuardianLink, Student
from tests import factories

PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def _at_least_five_reflected(student, term) -> None:
    """Classmates' reflections on the term until five students of the advisory reflected,
    so its shared comments reach the school (the demo has them in term time; in the summer
    break the term to come has only this one)."""
    advisory = student.memberships.get(end_date__isnull=True).advisory
    reflected = Reflection.objects.filter(term=term, perspective="student", advisory=advisory)
    missing = max(0, 5 - reflected.count())
    classmates = advisory.memberships.current().exclude(student__in=reflected.values("student_id"))
    for membership in classmates.select_related("student__user")[:missing]:
        classmate = membership.student
        factories.RatingFactory(
            reflection__student=classmate,
            reflection__term=term,
            reflection__author=classmate.user,
            reflection__advisory=advisory,
            score=4,
        )
    assert reflected.count() >= 5


def test_student_reflects_and_a_shared_comment_reaches_the_admin_without_a_name(visitor, demo):
    page = visitor.page
    comment = "I would love a mentor who builds boats like I do at home"
    visitor.sign_in(demo.student)
    page.get_by_role("link", name="My reflection").click()
    expect(page.get_by_role("heading", name=re.compile("My reflection"))).to_be_visible()
    visitor.check_accessibility()
    relationships = page.get_by_role("group", name=re.compile("Do my teachers"))
    relationships.locator("label", has_text=re.compile("^2")).click()
    relationships.get_by_role("textbox").fill(comment)
    relationships.get_by_label("Share this comment with the school without my name").check()
    relevance = page.get_by_role("group", name=re.compile("relevant to my interests"))
    relevance.locator("label", has_text=re.compile("^5")).click()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text(re.compile("^Saved. You can come back"))).to_be_visible()
    visitor.check_accessibility()

    student = Student.objects.select_related("user", "school").get(user__email=demo.student)
    term = current_term(student.school)
    mine = Rating.objects.get(
        reflection__student=student,
        reflection__author=student.user,
        reflection__term=term,
        expectation__key="relationships",
    )
    assert (mine.score, mine.comment, mine.shared) == (2, comment, True)
    _at_least_five_reflected(student, term)

    page.get_by_role("button", name="Sign out").click()
    visitor.sign_in(demo.admin)
    page.get_by_role("link", name="Expectations").first.click()
    expect(page.get_by_role("heading", name="Comments shared with the school")).to_be_visible()
    visitor.goto(f"/expectations/schools/{student.school_id}/?term={term.pk}")
    expect(page.get_by_role("heading", name="Comments shared with the school")).to_be_visible()
    visitor.check_accessibility()
    shared = page.locator("section", has=page.get_by_role("heading", name="Comments shared"))
    expect(shared.get_by_text(comment)).to_be_visible()
    expect(shared).not_to_contain_text(student.user.last_name)
    expect(shared).not_to_contain_text(student.display_name)


def test_advisor_takes_the_roll_on_a_phone_and_a_check_in_clears_a_flag(visitor, demo):
    page = visitor.page
    page.set_viewport_size(PHONE)
    visitor.sign_in(demo.advisor)
    roll = page.locator("details", has_text="Today's attendance").first
    expect(roll).to_be_visible()
    _fits_the_screen(page)
    first = roll.locator("fieldset").first
    name = first.locator("legend").inner_text()
    first.locator("label", has_text="Absent").click()
    roll.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text(re.compile("Attendance saved: .* 1 absent"))).to_be_visible()
    _fits_the_screen(page)
    visitor.check_accessibility()
    today = Student.objects.get(user__email=demo.student).school.today()
    marked = AttendanceMark.objects.get(
        sheet__taken_by__email=demo.advisor, sheet__on=today, status="absent"
    )
    assert marked.student.display_name == name

    needs = page.locator('section[aria-labelledby="needs-check-in-heading"]')
    flagged = needs.locator("li.list-group-item").first
    student_name = flagged.locator("a").first.inner_text()
    flagged.get_by_role("link", name="Record a check-in").click()
    visitor.check_accessibility()
    _fits_the_screen(page)
    page.get_by_label("What we talked about").fill(
        "Talked about the internship search and what makes mornings hard"
    )
    page.get_by_role("button", name="Record the check-in").click()
    expect(page.get_by_text(re.compile("The check-in is recorded"))).to_be_visible()
    expect(page.locator("#status-heading + p .badge")).to_have_text("On track")
    visitor.check_accessibility()
    student = next(
        s
        for s in Student.objects.filter(engagement__isnull=False).select_related("user")
        if s.display_name == student_name
    )
    assert Engagement.objects.get(student=student).status == Engagement.Status.ON_TRACK

    visitor.goto("/")
    expect(needs.get_by_role("link", name=student_name, exact=True)).to_have_count(0)


def test_family_answers_the_reflection_in_spanish(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.guardian)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    child = GuardianLink.objects.filter(guardian__email=demo.guardian).first().student
    visitor.goto(f"/expectations/students/{child.pk}/reflection/")
    visitor.check_accessibility()
    question = page.get_by_role("group", name=re.compile("Conocen los maestros de mi hijo"))
    question.locator("label", has_text=re.compile("^4")).click()
    question.get_by_role("textbox").fill("Su asesora la conoce muy bien")
    expect(page.get_by_text("Compartir este comentario")).to_have_count(0)  # students only
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    visitor.check_accessibility()
    family = Reflection.objects.get(
        student=child, author__email=demo.guardian, term=current_term(child.school)
    )
    assert family.perspective == Reflection.Perspective.FAMILY
    assert list(family.ratings.values_list("score", "comment")) == [
        (4, "Su asesora la conoce muy bien")
    ]
