"""Learning plan journeys in a real browser: the student shapes and submits this term's plan,
the advisor reviews plans and meets the learning team, the family follows and comments."""

import re

from playwright.sync_api import expect

from students.models import LearningPlan, PlanItem, Student


def test_student_adds_a_goal_and_submits_the_plan_for_review(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.student)
    expect(page.get_by_role("heading", name="My learning plan")).to_be_visible()
    page.get_by_role("link", name="Open my learning plan").click()
    expect(page.get_by_role("heading", name=re.compile("Learning plan, Quarter"))).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name="Add a goal").click()
    visitor.check_accessibility()
    page.get_by_label("Title").fill("Shadow a welder for a day")
    page.get_by_role("button", name="Save").click()
    # No learning goal and not personal: the message sits by the field, the title is kept.
    expect(
        page.get_by_text(re.compile("Choose at least one of the Five Learning Goals"))
    ).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Shadow a welder for a day")
    visitor.check_accessibility()
    page.get_by_label(re.compile("Empirical Reasoning")).check()
    page.get_by_label("What I will do").fill("Watch, ask, and try a first weld")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Added to your plan.")).to_be_visible()
    expect(page.get_by_role("heading", name="Shadow a welder for a day")).to_be_visible()

    page.get_by_role("button", name="Move up Shadow a welder for a day").click()
    expect(page.get_by_role("heading", name="Shadow a welder for a day")).to_be_visible()
    page.get_by_role("button", name=re.compile("Submit")).click()
    expect(page.get_by_text("Your plan is submitted. Your advisor will review it.")).to_be_visible()
    expect(page.get_by_text("Waiting for review").first).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name="History of changes").click()
    expect(page.get_by_text("Submitted for review").first).to_be_visible()
    visitor.check_accessibility()
    student = Student.objects.get(user__email=demo.student)
    plan = LearningPlan.objects.filter(student=student).order_by("-term__start_date").first()
    assert plan.status == LearningPlan.Status.SUBMITTED
    assert plan.items.filter(title="Shadow a welder for a day").exists()


def test_advisor_asks_for_changes_to_a_plan_waiting_for_review(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.advisor)
    expect(page.get_by_role("heading", name="My advisory")).to_be_visible()
    visitor.check_accessibility()

    page.get_by_role("link", name="Waiting for review").first.click()
    expect(page.get_by_role("heading", name=re.compile("Learning plan"))).to_be_visible()
    visitor.check_accessibility()
    page.get_by_role("link", name="Review the plan").click()
    visitor.check_accessibility()
    page.get_by_label("Ask for changes").check()
    page.get_by_role("button", name="Send the review").click()
    expect(page.get_by_text("Say what the student should change.")).to_be_visible()
    page.get_by_label("Comment for the student").fill("Add a date to each goal, please.")
    page.get_by_role("button", name="Send the review").click()
    expect(page.get_by_text("Your review is sent to the student.")).to_be_visible()
    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation.get_by_text("Add a date to each goal, please.")).to_be_visible()
    expect(page.get_by_text("Changes requested").first).to_be_visible()
    visitor.check_accessibility()

    item = page.get_by_role("link", name=re.compile("^Record progress")).first
    item.click()
    visitor.check_accessibility()
    page.get_by_label("Progress").select_option(PlanItem.Progress.IN_PROGRESS)
    page.get_by_label("Note").fill("Good start in the lab")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Progress recorded.")).to_be_visible()
    expect(page.get_by_text(re.compile("Good start in the lab"))).to_be_visible()


def test_guardian_reads_a_childs_plan_and_comments_in_spanish(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.guardian)
    expect(page.get_by_role("heading", name="Mis hijos")).to_be_visible()
    page.get_by_role("link", name="Planes de aprendizaje").first.click()
    visitor.check_accessibility()
    page.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("Plan de aprendizaje"))).to_be_visible()
    visitor.check_accessibility()
    page.get_by_label("Añadir un comentario").fill("Estamos muy orgullosos de ti")
    page.get_by_role("button", name="Añadir el comentario").click()
    expect(page.get_by_text("Estamos muy orgullosos de ti")).to_be_visible()
    visitor.check_accessibility()


def test_advisor_schedules_a_meeting_for_a_student_without_one(visitor, demo):
    from datetime import timedelta

    from django.utils import timezone

    from bigpicture.models import School
    from bigpicture.selectors import current_term
    from students.models import PlanMeeting

    page = visitor.page
    visitor.sign_in(demo.advisor)
    flagged = page.get_by_role("row").filter(has_text="No meeting scheduled this term").first
    name = flagged.get_by_role("link").first.inner_text()
    flagged.get_by_role("link").first.click()
    page.get_by_role("link", name=re.compile("^Meetings")).click()
    visitor.check_accessibility()
    page.get_by_role("link", name=re.compile("Schedule")).click()
    visitor.check_accessibility()

    school = School.objects.get(slug="demo")
    term = current_term(school)
    day = max(school.today() + timedelta(days=2), term.start_date)
    moment = timezone.localtime(timezone.now(), school.zone).replace(
        year=day.year, month=day.month, day=day.day, hour=7, minute=5, second=0, microsecond=0
    )
    page.get_by_label("Date and time").fill(moment.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Agenda").fill("Set the goals for the rest of the term")
    page.get_by_role("button", name="Schedule the meeting").click()
    error = page.get_by_role("strong").filter(has_text="Give a place, a video link or both")
    expect(error).to_be_visible()
    expect(page.get_by_label("Agenda")).to_have_value("Set the goals for the rest of the term")
    page.get_by_label("Place").fill("Advisory room")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_role("heading", name=f"Learning plan meeting of {name}")).to_be_visible()
    visitor.check_accessibility()
    meeting = PlanMeeting.objects.filter(term=term, place="Advisory room", starts_at=moment).get()
    assert meeting.invites.filter(role="student").exists()


def test_guardian_reads_a_published_narrative_and_an_exhibition_result(visitor, demo):
    page = visitor.page
    visitor.sign_in(demo.guardian)
    page.get_by_role("link", name=re.compile("^Narrativas")).first.click()
    visitor.check_accessibility()
    page.get_by_role("link", name=re.compile("asesor", re.IGNORECASE)).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    visitor.check_accessibility()
    page.go_back()
    page.go_back()
    page.get_by_role("link", name=re.compile("^Exhibiciones")).first.click()
    visitor.check_accessibility()
    # An exhibition already held (in the summer break the first rows are the coming term's).
    held = page.get_by_role("row").filter(has=page.get_by_role("cell", name="Realizada"))
    held.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Resultados")).to_be_visible()
    visitor.check_accessibility()
