"""The "waiting for you" list on each role's home, the count in the navigation, and the
notifications an action marks done (issue 15, item 3)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigpicture.models import Notification
from bigpicture.notifications import last_visit, resolve
from bigpicture.notifications.seen import PREVIOUS_LOGIN_SESSION_KEY
from bigpicture.pages.waiting import SHOWN_PER_KIND, waiting_count, waiting_for
from expectations.models import Rating, Reflection
from internships.models import DailyLog, Evaluation, Message, Placement, PlacementEvent
from internships.reminders.logs import LOG_CONFIRMATIONS_DUE
from internships.reminders.pipeline import CONSENT_REQUEST, PLACEMENT_STEP, notify_step
from internships.selectors.logs import claim_version
from internships.selectors.waiting import semester_of
from internships.services.logs import logs_confirm
from internships.services.pipeline import placement_approve, placement_consent
from students.models import Exhibition, LearningPlan, MeetingInvite
from students.reminders.plans import PLAN_SUBMITTED
from students.services.plans import plan_review, plan_submit
from tests import factories
from tests.factories import PASSWORD

Status = Placement.Status


def _sign_in(client, person) -> None:
    """Sign in through the sign-in page, as people do."""
    page = client.post(reverse("login"), {"username": person.email, "password": PASSWORD})
    assert page.status_code == 302


def _home(client) -> str:
    response = client.get(reverse("bigpicture:home"))
    assert response.status_code == 200
    return response.content.decode()


def _waiting_section(page: str) -> str:
    start = page.index('id="waiting"')
    return page[start : page.index("</section>", start)]


def _nav_count(page: str) -> int | None:
    found = re.search(r"(\d+) waiting</span>", page)
    return int(found.group(1)) if found else None


# --- the world's things, one of each kind per role ---------------------------------------------


def _proposal(world, student=None, **fields):
    student = student or world.student
    return factories.PlacementFactory(
        student=student,
        site=world.mentor_profile.site,
        mentor=world.mentor_profile,
        status=fields.pop("status", Status.PROPOSED),
        **fields,
    )


def _submitted_plan(world, student):
    plan = factories.PlanFactory(student=student, term=world.term)
    factories.PlanItemFactory(plan=plan)
    return plan_submit(plan=plan, by=student.user)


def _advisor_things(world, student):
    _submitted_plan(world, student)
    _proposal(world, student)
    # an approved plan changed since (its next version, a draft)
    other = factories.MembershipFactory(advisory=world.advisory).student
    factories.PlanFactory(student=other, term=world.term, version=2)
    # the mentor's message nobody answered yet, on an internship on its way
    placement = _proposal(world, other, status=Status.CONSENTED)
    Message.objects.create(placement=placement, author=world.mentor, body="Can we talk?")
    factories.MeetingFactory(
        student=student,
        term=world.term,
        advisor=world.advisor,
        starts_at=timezone.now() - timedelta(hours=2),
    )


def _checked_out_day(placement, days_ago: int):
    return factories.DailyLogFactory(
        placement=placement,
        on=placement.student.school.today() - timedelta(days=days_ago),
        checked_out_at=timezone.now() - timedelta(days=days_ago),
    )


def _mentor_things(world, student):
    placement = _proposal(world, student, status=Status.ACTIVE)
    for days_ago in (1, 2, 3):
        _checked_out_day(placement, days_ago)
    return placement


def _guardian_things(world, student, guardian):
    placement = _proposal(world, student, status=Status.APPROVED, approved_at=timezone.now())
    meeting = factories.MeetingFactory(student=student, term=world.term, advisor=world.advisor)
    MeetingInvite.objects.create(meeting=meeting, person=guardian, role="guardian")
    factories.NarrativeFactory(
        student=student, term=world.term, author=world.advisor, published_at=timezone.now()
    )
    factories.ExhibitionFactory(
        student=student,
        term=world.term,
        created_by=world.advisor,
        starts_at=timezone.now() - timedelta(hours=3),
        status=Exhibition.Status.HELD,
        summary="A clear and confident exhibition.",
    )
    return placement


def _student_things(world, student):
    plan = factories.PlanFactory(
        student=student,
        term=world.term,
        status=LearningPlan.Status.CHANGES_REQUESTED,
        reviewed_at=timezone.now(),
        reviewed_by=world.advisor,
    )
    placement = _proposal(world, student, status=Status.ACTIVE)
    factories.DailyLogFactory(placement=placement, on=student.school.today(), hours=None)
    return plan


# --- each role's list --------------------------------------------------------------------------


class TestAdvisor:
    def test_each_kind_with_who_since_and_a_link(self, world, client_as):
        _advisor_things(world, world.student)
        section = _waiting_section(_home(client_as("advisor")))
        assert "Learning plan to review" in section
        assert "Internship proposal to approve" in section
        assert "Plan changed since approval" in section
        assert "Message from the mentor" in section
        assert "Meeting held: record its notes" in section
        assert world.student.display_name in section
        assert "since " in section
        placement = Placement.objects.get(student=world.student, status=Status.PROPOSED)
        assert reverse("internships:placement-detail", args=[placement.pk]) in section

    def test_an_answered_message_waits_no_more(self, world, client_as):
        placement = _proposal(world, status=Status.CONSENTED)
        Message.objects.create(placement=placement, author=world.mentor, body="Can we talk?")
        Message.objects.create(placement=placement, author=world.advisor, body="Yes, Monday.")
        assert "Message from the mentor" not in _waiting_section(_home(client_as("advisor")))

    def test_another_advisors_students_are_not_listed(self, world, client_as):
        _submitted_plan(world, world.other_student)
        _proposal(world, world.other_student)
        assert "Nothing is waiting for you" in _waiting_section(_home(client_as("advisor")))

    def test_a_proposal_is_not_no_internship_on_the_advisorys_internships(self, world, client_as):
        _proposal(world)
        page = client_as("advisor").get(
            reverse("internships:advisory-internships", args=[world.advisory.pk])
        )
        text = page.content.decode()
        assert "Proposed: waiting for approval" in text
        row = text[text.index(world.student.display_name) :]
        assert "No internship" not in row[: row.index("</tr>")]


class TestMentor:
    def test_days_to_confirm_and_evaluations_due(self, world, client_as):
        _mentor_things(world, world.student)
        section = _waiting_section(_home(client_as("mentor")))
        assert "3 days to confirm" in section
        assert reverse("internships:mentor-logs") in section
        assert "This semester&#x27;s evaluation" in section

    def test_an_evaluation_written_is_not_due(self, world, client_as):
        placement = _mentor_things(world, world.student)
        Evaluation.objects.create(
            placement=placement,
            school_year=world.year,
            semester=_semester(world),
            author=world.mentor,
        )
        assert "evaluation" not in _waiting_section(_home(client_as("mentor")))


def _semester(world) -> int:
    return semester_of(world.year, world.school.today())


class TestGuardian:
    def test_consent_invitation_narrative_and_result(self, world, client_as):
        _guardian_things(world, world.student, world.guardian)
        section = _waiting_section(_home(client_as("guardian")))
        assert "Consent to the internship" in section
        assert "Invitation to the learning plan meeting" in section
        assert "New narrative" in section
        assert "Exhibition result" in section

    def test_new_is_since_the_previous_sign_in(self, world, client):
        _guardian_things(world, world.student, world.guardian)
        world.guardian.last_login = timezone.now() + timedelta(minutes=1)
        world.guardian.save(update_fields=["last_login"])
        _sign_in(client, world.guardian)
        assert client.session[PREVIOUS_LOGIN_SESSION_KEY]
        section = _waiting_section(_home(client))
        assert "New narrative" not in section
        assert "Exhibition result" not in section
        assert "Consent to the internship" in section  # waits until it is given

    def test_the_previous_sign_in_is_kept_before_it_moves(self, world, client, rf):
        before = timezone.now() - timedelta(days=3)
        world.guardian.last_login = before
        world.guardian.save(update_fields=["last_login"])
        _sign_in(client, world.guardian)
        request = rf.get("/")
        request.session = client.session
        assert last_visit(request) == before
        world.guardian.refresh_from_db()
        assert world.guardian.last_login > before


class TestStudent:
    def test_changes_check_out_and_reflection(self, world, client_as):
        _student_things(world, world.student)
        factories.TermFactory(
            school_year=world.year,
            name="Reflect term",
            start_date=world.term.end_date + timedelta(days=1),
            end_date=world.term.end_date + timedelta(days=2),
        )
        # the term running today ends within two weeks: its reflection is due
        world.term.end_date = world.school.today() + timedelta(days=5)
        world.term.save()
        section = _waiting_section(_home(client_as("student")))
        assert "Changes requested on your plan" in section
        assert "Check out of today" in section
        assert "Your reflection on the 10 Expectations for This term" in section

    def test_a_reflection_written_is_not_due(self, world, client_as):
        world.term.end_date = world.school.today() + timedelta(days=5)
        world.term.save()
        reflection = Reflection.objects.create(
            student=world.student, term=world.term, author=world.student.user
        )
        Rating.objects.create(reflection=reflection, expectation=factories.expectation(), score=3)
        assert "reflection" not in _waiting_section(_home(client_as("student")))


class TestAdmin:
    def test_unplaced_students_and_checks_expiring(self, world, client_as):
        mentor = world.mentor_profile
        mentor.check_expires_on = world.school.today() + timedelta(days=10)
        mentor.save()
        section = _waiting_section(_home(client_as("admin")))
        assert "Student without an advisory" in section
        assert world.unplaced.display_name in section
        assert "Background check expires on" in section
        assert reverse("internships:mentor-update", args=[mentor.pk]) in section

    def test_an_expired_check_is_listed_while_an_internship_is_open(self, world, client_as):
        mentor = world.mentor_profile
        mentor.check_expires_on = world.school.today() - timedelta(days=1)
        mentor.save()
        assert "Background check expired" not in _waiting_section(_home(client_as("admin")))
        _proposal(world, status=Status.ACTIVE)
        assert "Background check expired" in _waiting_section(_home(client_as("admin")))


def test_an_empty_list_says_so_kindly(world, client_as):
    section = _waiting_section(_home(client_as("mentor")))
    assert "Nothing is waiting for you. Enjoy your day!" in section
    assert _nav_count(_home(client_as("mentor"))) is None


# --- a fixed number of queries -----------------------------------------------------------------


def _many(world, role: str, count: int):
    for _ in range(count):
        student = factories.MembershipFactory(advisory=world.advisory).student
        guardian = factories.GuardianLinkFactory(student=student, guardian=world.guardian).guardian
        if role == "advisor":
            _advisor_things(world, student)
        elif role == "mentor":
            _mentor_things(world, student)
        elif role == "guardian":
            _guardian_things(world, student, guardian)
        elif role == "admin":
            factories.StudentFactory(school=world.school)
            factories.MentorProfileFactory(
                site__school=world.school,
                check_expires_on=world.school.today() + timedelta(days=5),
            )


@pytest.mark.parametrize("role", ["admin", "advisor", "mentor", "guardian", "student"])
def test_the_home_costs_the_same_with_one_row_or_many(
    world, client_as, django_assert_num_queries, role
):
    client = client_as(role)
    if role == "student":
        _student_things(world, world.student)
    else:
        _many(world, role, 1)
    _home(client)  # the caches shared by a school (its year and term) filled
    with CaptureQueriesContext(connection) as one:
        _home(client)
    if role == "student":  # one student: more plans and days across terms and internships
        other = factories.TermFactory(
            school_year=world.year,
            start_date=world.term.end_date + timedelta(days=1),
            end_date=world.term.end_date + timedelta(days=40),
        )
        factories.PlanFactory(
            student=world.student, term=other, status=LearningPlan.Status.CHANGES_REQUESTED
        )
    else:
        _many(world, role, 4)
    with django_assert_num_queries(len(one)):
        page = _home(client)
    assert _nav_count(page)


@pytest.mark.parametrize("role", ["admin", "advisor", "mentor", "guardian", "student"])
def test_the_navigation_count_is_one_query_and_matches_the_list(
    world, client_as, django_assert_num_queries, rf, role
):
    _many(world, role, 2)
    if role == "student":
        _student_things(world, world.student)
    person = world.person(role)
    request = rf.get("/")
    request.user, request.session = person, {}
    items = waiting_for(person, request)
    unread = Notification.objects.addressed_to(person).filter(read_at__isnull=False).count()
    unread = Notification.objects.addressed_to(person).count() - unread
    elsewhere = rf.get("/students/")  # a page that did not list them: one union count
    elsewhere.user, elsewhere.session = person, {}
    with django_assert_num_queries(1):
        count = waiting_count(person, elsewhere)
    assert count == len(items) + unread
    with django_assert_num_queries(1):  # the home listed them: only the unread are counted
        assert waiting_count(person, request) == count
    assert items
    page = _home(client_as(role))
    assert _nav_count(page) == count
    assert f'<span class="visually-hidden">{count} waiting</span>' in page


# --- notifications marked done by the action that resolves them -------------------------------


def _to(person, rule):
    return Notification.objects.filter(recipient=person, rule=rule.key)


def test_a_plan_reviewed_resolves_the_advisors_review_message(world):
    plan = _submitted_plan(world, world.student)
    assert _to(world.advisor, PLAN_SUBMITTED).get().read_at is None
    plan_review(plan=plan, by=world.advisor, approve=True)
    message = _to(world.advisor, PLAN_SUBMITTED).get()
    assert message.read_at is not None
    assert message.status == Notification.Status.SKIPPED  # not emailed after the fact


def test_a_message_already_sent_stays_sent_when_resolved(world):
    plan = _submitted_plan(world, world.student)
    _to(world.advisor, PLAN_SUBMITTED).update(status=Notification.Status.SENT)
    plan_review(plan=plan, by=world.advisor, approve=False, comment="Add a project.")
    message = _to(world.advisor, PLAN_SUBMITTED).get()
    assert (message.status, message.is_read) == (Notification.Status.SENT, True)


def test_a_proposal_approved_resolves_the_advisors_step_message(world):
    placement = _proposal(world)
    event = PlacementEvent.objects.create(
        placement=placement, by=world.student.user, from_status="", to_status="proposed"
    )
    notify_step(placement, event)
    assert _to(world.advisor, PLACEMENT_STEP).get().read_at is None
    placement_approve(placement=placement, by=world.advisor)
    assert not _to(world.advisor, PLACEMENT_STEP).filter(read_at__isnull=True).exists()
    # the student hears of the approval: their message is new, not marked done
    assert _to(world.student.user, PLACEMENT_STEP).filter(read_at__isnull=True).exists()


def test_a_consent_given_resolves_every_guardians_request(world):
    second = factories.GuardianLinkFactory(student=world.student).guardian
    placement = _proposal(world)
    placement_approve(placement=placement, by=world.advisor)
    assert _to(second, CONSENT_REQUEST).get().read_at is None
    placement.refresh_from_db()
    placement_consent(placement=placement, by=world.guardian)
    for guardian in (world.guardian, second):
        assert _to(guardian, CONSENT_REQUEST).get().read_at is not None


def test_the_days_confirmed_resolve_the_mentors_reminder(world):
    placement = _mentor_things(world, world.student)
    Notification.objects.create(
        key=f"{LOG_CONFIRMATIONS_DUE.key}:mentor:{world.mentor.pk}:user:{world.mentor.pk}:w1",
        school=world.school,
        recipient=world.mentor,
        rule=LOG_CONFIRMATIONS_DUE.key,
        kind="internships",
    )
    logs = list(DailyLog.objects.filter(placement=placement))
    logs_confirm(by=world.mentor, versions=[claim_version(d.pk, d.hours, d.did) for d in logs[:2]])
    assert _to(world.mentor, LOG_CONFIRMATIONS_DUE).get().read_at is None  # one day still waits
    logs_confirm(by=world.mentor, versions=[claim_version(d.pk, d.hours, d.did) for d in logs[2:]])
    assert _to(world.mentor, LOG_CONFIRMATIONS_DUE).get().read_at is not None


def test_resolve_touches_only_its_rules_subject_and_people(world):
    def row(key, person):
        return Notification.objects.create(
            key=key, school=world.school, recipient=person, rule=key.split(":")[0], kind="learning"
        )

    mine = row(f"plan_submitted:plan:7:user:{world.advisor.pk}:a", world.advisor)
    other_plan = row(f"plan_submitted:plan:70:user:{world.advisor.pk}:a", world.advisor)
    other_person = row(f"plan_submitted:plan:7:user:{world.admin.pk}:a", world.admin)
    other_rule = row(f"plan_reviewed:plan:7:user:{world.advisor.pk}:a", world.advisor)
    assert resolve([PLAN_SUBMITTED], "plan:7", recipient_ids=[world.advisor.pk]) == 1
    for notification, done in ((mine, True), (other_plan, False), (other_person, False)):
        notification.refresh_from_db()
        assert notification.is_read is done
    other_rule.refresh_from_db()
    assert not other_rule.is_read


def test_the_homes_count_counts_every_row_of_a_kind_beyond_those_shown(world, client_as, rf):
    for _ in range(SHOWN_PER_KIND + 3):
        factories.StudentFactory(school=world.school)  # without an advisory
    request = rf.get("/")
    request.user, request.session = world.admin, {}
    shown = waiting_for(world.admin, request)
    elsewhere = rf.get("/students/")
    elsewhere.user, elsewhere.session = world.admin, {}
    assert waiting_count(world.admin, request) == waiting_count(world.admin, elsewhere)
    assert waiting_count(world.admin, request) > len(shown)
