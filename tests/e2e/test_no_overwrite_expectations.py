"""Editing is never overwriting, in a real browser on a phone-sized screen: a roll saved by
someone else after the advisor opened it is refused beside the student both changed, and a
reflection saved in another tab is refused with the saved answers shown; saving again
replaces them on purpose."""

import re

from playwright.sync_api import expect

from bigpicture.models import User
from bigpicture.selectors import current_term
from expectations.models import AttendanceMark, Rating
from expectations.selectors.attendance import roll_of
from expectations.services.attendance import attendance_take
from expectations.services.reflections import Answer, reflection_save
from students.models import Student
from tests.factories import expectation

PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_a_roll_saved_meanwhile_is_refused_beside_the_student(visitor, demo):
    page = visitor.page
    page.set_viewport_size(PHONE)
    visitor.sign_in(demo.advisor)
    roll = page.locator("details", has_text="Today's attendance").first
    first = roll.locator("fieldset").first
    name = first.locator("legend").inner_text()
    student_id = int(first.locator('input[name="student"]').get_attribute("value"))
    student = Student.objects.select_related("school").get(pk=student_id)
    advisory = student.memberships.get(end_date__isnull=True).advisory
    today = student.school.today()
    # Someone else (the admin, on another device) marks the same student late meanwhile.
    seen = {row.student_id: row.seen for row in roll_of(advisory, today).rows}
    attendance_take(
        advisory=advisory,
        day=today,
        marks={student_id: ("late", "Bus")},
        by=User.objects.get(email=demo.admin),
        seen=seen,
    )
    first.locator("label", has_text="Absent").click()
    roll.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text(re.compile("after you opened it"))).to_be_visible()
    row = page.locator("fieldset", has_text=name)
    expect(row.get_by_text(re.compile("Saved meanwhile as Late"))).to_be_visible()
    _fits_the_screen(page)
    visitor.check_accessibility()
    assert AttendanceMark.objects.get(student_id=student_id, sheet__on=today).status == "late"
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text(re.compile("Attendance saved: .* 1 absent"))).to_be_visible()
    assert AttendanceMark.objects.get(student_id=student_id, sheet__on=today).status == "absent"


def test_a_reflection_saved_in_another_tab_is_refused_with_the_saved_answers(visitor, demo):
    page = visitor.page
    page.set_viewport_size(PHONE)
    visitor.sign_in(demo.student)
    student = Student.objects.select_related("user", "school").get(user__email=demo.student)
    visitor.goto(f"/expectations/students/{student.pk}/reflection/")
    term = current_term(student.school)
    relevance = expectation("relevance")
    # The other tab saves first.
    reflection_save(
        student=student,
        term=term,
        by=student.user,
        answers={relevance.pk: Answer(2, "Saved in the other tab")},
    )
    group = page.get_by_role("group", name=re.compile("relevant to my interests"))
    group.locator("label", has_text=re.compile("^5")).click()
    group.get_by_role("textbox").fill("Typed in this tab")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text(re.compile("after you opened this page"))).to_be_visible()
    expect(group.get_by_text("Saved: 2 of 5")).to_be_visible()
    expect(group.get_by_role("textbox")).to_have_value("Typed in this tab")
    _fits_the_screen(page)
    visitor.check_accessibility()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text(re.compile("^Saved. You can come back"))).to_be_visible()
    mine = Rating.objects.get(
        reflection__student=student,
        reflection__author=student.user,
        reflection__term=term,
        expectation=relevance,
    )
    assert (mine.score, mine.comment) == (5, "Typed in this tab")
