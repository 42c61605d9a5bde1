"""One journey per role, from signing in to that role's main task, clicking as a person would."""

import re

from playwright.sync_api import expect

from advisories.models import Advisory, Membership
from students.models import Student


def test_admin_places_an_unplaced_student_overriding_a_full_advisory(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.admin)
    expect(page.get_by_role("heading", name=re.compile("at a glance"))).to_be_visible()
    visitor.check_accessibility()

    unplaced = Student.objects.filter(school__slug="demo").without_advisory().first()
    full = next(
        a
        for a in Advisory.objects.filter(school__slug="demo").with_size().select_related("school")
        if a.is_full
    )
    page.get_by_role("link", name=f"Place in an advisory {unplaced.display_name}").click()
    expect(page.get_by_role("heading", name=re.compile("Move to an advisory"))).to_be_visible()
    visitor.check_accessibility()

    choice = page.locator("option", has_text=f"{full.name} (").first.inner_text()
    page.get_by_label("New advisory").select_option(label=choice)
    page.get_by_role("button", name="Move student").click()
    expect(page.get_by_text(re.compile(f"{full.name} is full"))).to_be_visible()
    visitor.check_accessibility()

    if unplaced.graduating_class != full.graduating_class:
        # The demo's full advisory is of its oldest class: the move asks for a confirmation.
        expect(
            page.get_by_text(re.compile(f"{full.name} is an advisory for the class"))
        ).to_be_visible()
        page.get_by_label("Place anyway").check()
    page.get_by_label("Place over capacity").check()
    page.get_by_label("Reason for the override").fill("Needs this advisor's Spanish support")
    page.get_by_role("button", name="Move student").click()
    expect(page.get_by_text("The student is moved.")).to_be_visible()
    expect(page.get_by_text(f"Advisory {full.name} with")).to_be_visible()
    visitor.check_accessibility()

    membership = Membership.objects.current().get(student=unplaced)
    assert membership.advisory_id == full.pk
    assert membership.over_capacity_override
    assert membership.override_reason == "Needs this advisor's Spanish support"

    for link in ("People", "Advisories", "Students"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        visitor.check_accessibility()


def test_advisor_opens_a_student_from_their_advisory_and_notes_a_need(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.advisor)
    expect(page.get_by_role("heading", name="My advisory")).to_be_visible()
    visitor.check_accessibility()

    roster = page.get_by_role("table").first
    first_student = roster.get_by_role("row").nth(1).get_by_role("link").first
    name = first_student.inner_text()
    first_student.click()
    expect(page.get_by_role("heading", name=re.compile(name))).to_be_visible()
    expect(page.get_by_role("heading", name="Family")).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name="Edit profile").click()
    visitor.check_accessibility()
    page.get_by_label("Needs and supports").fill("Extra time to read aloud before exhibitions")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The profile is saved.")).to_be_visible()
    expect(page.get_by_text("Extra time to read aloud before exhibitions")).to_be_visible()

    page.get_by_role("link", name="Advisories").click()
    visitor.check_accessibility()


def test_student_edits_their_own_profile(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.student)
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name="Edit my profile").click()
    visitor.check_accessibility()
    page.get_by_label("Interests").fill("Restoring old motorcycles <b>and</b> welding")
    page.get_by_label("What motivates me").fill("Building something my grandfather would ride")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The profile is saved.")).to_be_visible()
    # Typed markup is shown as text, never interpreted.
    expect(page.get_by_text("Restoring old motorcycles <b>and</b> welding")).to_be_visible()
    visitor.check_accessibility()


def test_guardian_follows_their_children_in_spanish_then_switches_to_english(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.guardian)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Mis hijos")).to_be_visible()
    visitor.check_accessibility()

    children = page.locator("main section h3 a")
    expect(children).to_have_count(2)
    children.first.click()
    expect(page.get_by_role("heading", name="Familia")).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name=re.compile("preferencias")).click()
    visitor.check_accessibility()
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Guardar").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()


def test_mentor_signs_in_and_updates_their_name(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.mentor)
    expect(page.get_by_role("heading", name="Mentoring")).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name=re.compile("preferences")).click()
    page.get_by_label("First name").fill("Ruthie")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    visitor.check_accessibility()


def test_sign_in_page_and_password_reset_are_accessible(visitor, demo):
    visitor.goto("/accounts/login/")
    visitor.check_accessibility()
    visitor.page.get_by_role("link", name=re.compile("Forgot your password")).click()
    visitor.check_accessibility()
    visitor.page.get_by_label("Email").fill(demo.guardian)
    visitor.page.get_by_role("button", name="Send the link").click()
    expect(visitor.page.get_by_role("heading", name="Check your email")).to_be_visible()
    visitor.check_accessibility()
