"""Assessment pages through the client: who reads and writes which narrative, the family's
view once published (and its email), scheduling exhibitions, feedback, results, gateways,
and what the pages cost."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from students.goals import PERSONAL
from students.models import Exhibition, Feedback, Narrative, Panelist
from tests import factories
from tests.students.matrix_meetings import mentoring
from tests.students.test_assessment_services import plan_item, seat, started
from tests.students.test_views import assert_error_by_field, assert_kept, field_html


@pytest.fixture(autouse=True)
def _the_students_mentor(world):
    """The world's mentor mentors the student's internship: only a student's own mentor is
    invited to their meetings or seated on their panels."""
    mentoring(world)


Kind = Narrative.Kind
Role = Panelist.Role
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE
)


def narrative(world, kind=Kind.ADVISOR, published=False, term=None, **sections):
    return factories.NarrativeFactory(
        student=world.student,
        term=term or world.term,
        kind=kind,
        author=world.advisor if kind == Kind.ADVISOR else world.student.user,
        published_at=timezone.now() if published else None,
        sections=sections or {"communication": f"{kind} text"},
    )


def past_term(world, number: int):
    start = world.term.start_date - timedelta(days=40 * number)
    return factories.TermFactory(
        school_year=world.year,
        name=f"Earlier {number}",
        start_date=start,
        end_date=start + timedelta(days=30),
    )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- narratives --------------------------------------------------------------------------------


class TestWritingNarratives:
    def test_the_form_has_a_section_per_learning_goal_with_its_question(self, client_as, world):
        url = reverse("students:narrative-create", args=[world.student.pk])
        page = client_as("student").get(url).content.decode()
        for text in ("Empirical Reasoning", "How do I prove it?", "Personal Qualities"):
            assert text in page
        assert "Personal goals" in page
        assert "Student&#x27;s narrative" in page

    def test_the_student_writes_theirs(self, client_as, world):
        url = reverse("students:narrative-create", args=[world.student.pk])
        data = {"term": world.term.pk, "empirical": "Tested hulls", PERSONAL: "Ran a 5k"}
        response = client_as("student").post(url, data)
        written = Narrative.objects.get()
        assert response.url == written.get_absolute_url()
        assert (written.kind, written.author) == (Kind.STUDENT, world.student.user)
        assert written.sections == {"empirical": "Tested hulls", PERSONAL: "Ran a 5k"}

    def test_the_advisor_writes_theirs(self, client_as, world):
        url = reverse("students:narrative-create", args=[world.student.pk]) + "?kind=advisor"
        client_as("advisor").post(url, {"term": world.term.pk, "social": "Listens well"})
        assert Narrative.objects.get().kind == Kind.ADVISOR

    def test_an_empty_narrative_is_refused_and_the_term_kept(self, client_as, world):
        url = reverse("students:narrative-create", args=[world.student.pk])
        response = client_as("student").post(url, {"term": world.term.pk, "social": "  "})
        assert response.status_code == 200
        assert "The narrative is empty: write at least one section." in response.content.decode()
        assert "selected" in field_html(response, "term")
        assert not Narrative.objects.exists()

    def test_a_second_one_for_the_term_is_refused_by_the_term(self, client_as, world):
        narrative(world, Kind.STUDENT)
        url = reverse("students:narrative-create", args=[world.student.pk])
        response = client_as("student").post(url, {"term": world.term.pk, "social": "Again"})
        assert_error_by_field(response, "term", "This narrative is already written for this term.")
        assert "Again" in field_html(response, "social")

    def test_opening_the_form_again_leads_to_the_one_already_started(self, client_as, world):
        mine = narrative(world, Kind.STUDENT)
        url = reverse("students:narrative-create", args=[world.student.pk])
        response = client_as("student").get(url)
        assert response.url == reverse("students:narrative-update", args=[mine.pk])

    def test_an_earlier_term_can_be_chosen_and_a_bad_one_is_ignored(self, client_as, world):
        earlier = past_term(world, 1)
        url = reverse("students:narrative-create", args=[world.student.pk])
        client = client_as("student")
        chosen = field_html(client.get(f"{url}?term={earlier.pk}"), "term")
        assert f'value="{earlier.pk}" selected' in chosen
        assert client.get(f"{url}?term=abc").status_code == 200

    @pytest.mark.parametrize(
        ("role", "kind"), [("student", "advisor"), ("advisor", "student"), ("admin", "nonsense")]
    )
    def test_the_other_side_is_out_of_reach(self, client_as, world, role, kind):
        url = reverse("students:narrative-create", args=[world.student.pk]) + f"?kind={kind}"
        assert client_as(role).get(url).status_code == 404

    def test_the_author_side_rewrites_it(self, client_as, world):
        mine = narrative(world, Kind.STUDENT, social="Draft")
        url = reverse("students:narrative-update", args=[mine.pk])
        client = client_as("student")
        assert "Draft" in field_html(client.get(url), "social")
        client.post(url, {"social": "Final"})
        mine.refresh_from_db()
        assert mine.sections == {"social": "Final"}
        response = client.post(url, {"social": ""})
        assert "The narrative is empty" in response.content.decode()


class TestPublishing:
    def test_publishing_emails_the_family_who_then_reads_it(
        self, client_as, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        written = narrative(world, social="Listens well")
        url = reverse("students:narrative-publish", args=[written.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client_as("advisor").post(url)
        assert response.url == written.get_absolute_url()
        [email] = mailoutbox
        assert email.to == [world.guardian.email]
        assert world.student.display_name in email.subject
        assert written.get_absolute_url() in email.body
        page = client_as("guardian").get(written.get_absolute_url()).content.decode()
        assert "Listens well" in page
        assert "Publish to the family" not in page

    def test_the_email_is_skipped_when_taken_back_before_it_leaves(
        self, client_as, world, mailoutbox
    ):
        written = narrative(world)
        client = client_as("advisor")
        url = reverse("students:narrative-publish", args=[written.pk])
        client.post(url)
        client.post(url, {"action": "unpublish"})
        written.refresh_from_db()
        assert written.published_at is None
        from bigpicture import notifications
        from bigpicture.models import Notification

        row = Notification.objects.get(rule="narrative_published")
        notifications.deliver([row.pk])
        assert mailoutbox == []

    def test_the_student_cannot_publish(self, client_as, world):
        written = narrative(world)
        url = reverse("students:narrative-publish", args=[written.pk])
        assert client_as("student").post(url).status_code == 403
        assert client_as("advisor").get(url).status_code == 405


class TestReadingNarratives:
    def test_the_family_sees_only_published_advisor_narratives(self, client_as, world):
        earlier = past_term(world, 1)
        published = narrative(world, published=True, term=earlier, social="Shared")
        draft = narrative(world, social="Not yet")
        own = narrative(world, Kind.STUDENT, social="Mine")
        client = client_as("guardian")
        page = client.get(reverse("students:narrative-list", args=[world.student.pk]))
        text = page.content.decode()
        assert published.get_absolute_url() in text
        assert draft.get_absolute_url() not in text
        assert own.get_absolute_url() not in text
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(own.get_absolute_url()).status_code == 404

    def test_another_family_sees_nothing(self, client, world):
        narrative(world, published=True)
        client.force_login(world.other_link.guardian)
        url = reverse("students:narrative-list", args=[world.student.pk])
        assert client.get(url).status_code == 404

    def test_the_list_costs_the_same_for_few_or_many_terms(self, client_as, world):
        client = client_as("advisor")
        url = reverse("students:narrative-list", args=[world.student.pk])
        narrative(world)
        narrative(world, Kind.STUDENT)
        few = queries(client, url)
        for number in range(1, 6):
            term = past_term(world, number)
            narrative(world, term=term, published=True)
            narrative(world, Kind.STUDENT, term=term)
        assert queries(client, url) == few
        assert client.get(url).content.decode().count('<th scope="row">') == 6


# --- exhibitions -------------------------------------------------------------------------------


def local_input(moment) -> str:
    return timezone.localtime(moment, timezone.get_fixed_timezone(0)).strftime("%Y-%m-%dT%H:%M")


class TestScheduling:
    def form(self, world, **fields):
        return {
            "title": "Why boats float",
            "starts_at": "",
            "duration": "45",
            "room": "Commons",
            "gateway": "",
            "guardians": [world.guardian.pk],
            "mentor": world.mentor.pk,
            "outside": "Ada Park\nLu Chen",
            **fields,
        }

    def local(self, world, days=10, hour=14) -> str:
        day = world.school.today() + timedelta(days=days)
        return f"{day.isoformat()}T{hour:02d}:30"

    def test_the_advisor_schedules_one_in_the_schools_time(self, client_as, world):
        item = plan_item(world)
        url = reverse("students:exhibition-create", args=[world.student.pk])
        client = client_as("advisor")
        page = client.get(url).content.decode()
        assert item.title in page
        assert 'type="datetime-local"' in page
        data = self.form(world, starts_at=self.local(world), work=[item.pk])
        response = client.post(url, data)
        exhibition = Exhibition.objects.get()
        assert response.url == exhibition.get_absolute_url()
        local = timezone.localtime(exhibition.starts_at, world.school.zone)
        assert (local.hour, local.minute) == (14, 30)
        assert exhibition.panelists.count() == 5
        detail = client.get(response.url).content.decode()
        assert "Ada Park" in detail
        assert item.title in detail

    def test_a_time_in_the_past_is_shown_by_the_field_with_the_typed_values(self, client_as, world):
        url = reverse("students:exhibition-create", args=[world.student.pk])
        data = self.form(world, starts_at=self.local(world, days=-1))
        response = client_as("advisor").post(url, data)
        assert_error_by_field(response, "starts_at", "Choose a time that is not in the past.")
        assert_kept(response, "title", "Why boats float")
        assert "Lu Chen" in field_html(response, "outside")
        assert not Exhibition.objects.exists()

    def test_a_day_outside_the_terms_is_refused(self, client_as, world):
        url = reverse("students:exhibition-create", args=[world.student.pk])
        data = self.form(world, starts_at=self.local(world, days=200))
        response = client_as("advisor").post(url, data)
        assert "No term of the school covers" in field_html(response, "starts_at")

    def test_another_students_work_is_refused_by_the_field(self, client_as, world):
        plan_item(world)
        theirs = plan_item(world, student=world.other_student)
        url = reverse("students:exhibition-create", args=[world.student.pk])
        data = self.form(world, starts_at=self.local(world), work=[theirs.pk])
        response = client_as("advisor").post(url, data)
        assert "Choose work from this student&#x27;s own plan." in field_html(response, "work")
        assert not Exhibition.objects.exists()

    def test_with_no_work_to_choose_a_forged_choice_is_said_above_the_form(self, client_as, world):
        theirs = plan_item(world, student=world.other_student)
        url = reverse("students:exhibition-create", args=[world.student.pk])
        data = self.form(world, starts_at=self.local(world), work=[theirs.pk])
        response = client_as("advisor").post(url, data)
        assert response.status_code == 200
        assert "Choose work from this student&#x27;s own plan." in response.content.decode()
        assert not Exhibition.objects.exists()

    def test_the_change_form_shows_the_panel_and_calls_it_off(self, client_as, world):
        exhibition = factories.ExhibitionFactory(
            student=world.student, term=world.term, created_by=world.advisor
        )
        seat(exhibition, world.guardian, Role.GUARDIAN)
        seat(exhibition, name="Ada Park", role=Role.OUTSIDE)
        url = reverse("students:exhibition-update", args=[exhibition.pk])
        client = client_as("advisor")
        response = client.get(url)
        assert "Ada Park" in field_html(response, "outside")
        assert "checked" in field_html(response, "guardians")
        data = self.form(
            world,
            title=exhibition.title,
            starts_at=timezone.localtime(exhibition.starts_at, world.school.zone).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            cancelled="on",
        )
        assert client.post(url, data).status_code == 302
        exhibition.refresh_from_db()
        assert exhibition.status == Exhibition.Status.CANCELLED


class TestFeedbackAndResults:
    def test_a_panelist_records_a_rubric(self, client_as, world):
        exhibition = started(world)
        seat(exhibition, world.mentor, Role.MENTOR)
        url = reverse("students:exhibition-feedback", args=[exhibition.pk])
        data = {"empirical": "3", "social": "", "strengths": "Clear", "suggestions": ""}
        response = client_as("mentor").post(url, data)
        assert response.status_code == 302
        feedback = Feedback.objects.get()
        assert (feedback.ratings, feedback.strengths) == ({"empirical": 3}, "Clear")

    def test_a_level_outside_one_to_four_is_shown_by_its_goal(self, client_as, world):
        exhibition = started(world)
        seat(exhibition, world.mentor, Role.MENTOR)
        url = reverse("students:exhibition-feedback", args=[exhibition.pk])
        response = client_as("mentor").post(url, {"social": "7", "strengths": "Kept"})
        assert_error_by_field(response, "social", "Choose a level from 1 to 4.")
        assert "Kept" in field_html(response, "strengths")
        assert not Feedback.objects.exists()

    def test_before_the_start_a_clear_message(self, client_as, world):
        exhibition = started(world, hours_ago=-3)
        seat(exhibition, world.mentor, Role.MENTOR)
        url = reverse("students:exhibition-feedback", args=[exhibition.pk])
        client = client_as("mentor")
        page = client.get(url).content.decode()
        assert "Feedback opens when the exhibition starts" in page
        assert "<form" not in page.split('id="main"')[1]
        client.post(url, {"empirical": "3"})
        assert not Feedback.objects.exists()

    def test_the_advisor_records_an_outside_adults_but_nobody_someone_elses(self, client_as, world):
        exhibition = started(world)
        outside = seat(exhibition, name="Ada Park", role=Role.OUTSIDE)
        guardian = seat(exhibition, world.guardian, Role.GUARDIAN)
        seat(exhibition, world.mentor, Role.MENTOR)
        url = reverse("students:exhibition-feedback", args=[exhibition.pk])
        advisor = client_as("advisor")
        page = advisor.get(f"{url}?panelist={outside.pk}").content.decode()
        assert "You are recording the feedback of Ada Park." in page
        response = advisor.post(f"{url}?panelist={outside.pk}", {"social": "2"})
        assert response.status_code == 302
        assert Feedback.objects.get().recorded_by == world.advisor
        mentor = client_as("mentor")
        assert mentor.get(f"{url}?panelist={guardian.pk}").status_code == 403
        assert mentor.post(f"{url}?panelist={outside.pk}", {"social": "4"}).status_code == 403
        assert client_as("advisor").get(f"{url}?panelist=999999").status_code == 404

    def test_results_reach_the_family_once_held(self, client_as, world):
        exhibition = started(world, gateway=Exhibition.Gateway.YEAR_TWO)
        mentor = seat(exhibition, world.mentor, Role.MENTOR)
        Feedback.objects.create(
            exhibition=exhibition,
            panelist=mentor,
            ratings={"empirical": 4},
            strengths="Strong evidence",
            recorded_by=world.mentor,
        )
        url = exhibition.get_absolute_url()
        assert "Strong evidence" not in client_as("guardian").get(url).content.decode()
        assert "Strong evidence" not in client_as("student").get(url).content.decode()
        assert "Strong evidence" in client_as("advisor").get(url).content.decode()
        result = reverse("students:exhibition-result", args=[exhibition.pk])
        response = client_as("advisor").post(result, {"summary": "Ready", "outcome": "passed"})
        assert response.status_code == 302
        for role in ("guardian", "student"):
            page = client_as(role).get(url).content.decode()
            assert "Strong evidence" in page
            assert "Exemplary" in page
            assert "Ready" in page
        listing = reverse("students:exhibition-list", args=[world.student.pk])
        page = client_as("guardian").get(listing).content.decode()
        assert "Gateway at the end of year two" in page
        assert "Passed" in page

    def test_a_panelist_outside_the_family_sees_the_exhibition_not_the_results(
        self, client_as, world
    ):
        exhibition = started(world, status=Exhibition.Status.HELD, summary="Private summary")
        seat(exhibition, world.mentor, Role.MENTOR)
        guardian = seat(exhibition, world.guardian, Role.GUARDIAN)
        Feedback.objects.create(
            exhibition=exhibition,
            panelist=guardian,
            strengths="From the family",
            recorded_by=world.guardian,
        )
        page = client_as("mentor").get(exhibition.get_absolute_url()).content.decode()
        assert exhibition.title in page
        assert "From the family" not in page
        assert "Private summary" not in page
        assert "My feedback" in page

    def test_an_outcome_is_offered_only_for_a_gateway(self, client_as, world):
        plain = started(world)
        url = reverse("students:exhibition-result", args=[plain.pk])
        client = client_as("advisor")
        assert 'name="outcome"' not in client.get(url).content.decode()
        client.post(url, {"summary": "Good", "outcome": "passed"})
        plain.refresh_from_db()
        assert (plain.status, plain.outcome) == (Exhibition.Status.HELD, "")

    def test_the_result_before_the_start_is_refused(self, client_as, world):
        exhibition = started(world, hours_ago=-3)
        url = reverse("students:exhibition-result", args=[exhibition.pk])
        client = client_as("advisor")
        assert "has not started yet" in client.get(url).content.decode()
        client.post(url, {"summary": "Too soon"})
        exhibition.refresh_from_db()
        assert exhibition.status == Exhibition.Status.SCHEDULED


class TestCost:
    def fill(self, world, exhibition, count: int) -> None:
        for number in range(count):
            person = factories.GuardianLinkFactory(student=world.student).guardian
            panelist = seat(exhibition, person, Role.GUARDIAN)
            Feedback.objects.create(
                exhibition=exhibition,
                panelist=panelist,
                ratings={"social": 3},
                strengths=f"Point {number}",
                recorded_by=person,
            )
            exhibition.work.add(
                plan_item(
                    world,
                    term=factories.TermFactory(
                        school_year=world.year,
                        name=f"T{exhibition.pk}-{number}",
                        start_date=world.term.start_date - timedelta(days=400 + 10 * number),
                        end_date=world.term.start_date - timedelta(days=395 + 10 * number),
                    ),
                )
            )

    @pytest.mark.parametrize("role", ["advisor", "guardian"])
    def test_the_exhibition_page_costs_the_same_with_two_or_six_panelists(
        self, client_as, world, role
    ):
        client = client_as(role)
        few = started(world, status=Exhibition.Status.HELD)
        many = started(world, status=Exhibition.Status.HELD)
        self.fill(world, few, 2)
        self.fill(world, many, 6)
        assert queries(client, many.get_absolute_url()) == queries(client, few.get_absolute_url())
        assert "Point 5" in client.get(many.get_absolute_url()).content.decode()

    def test_the_exhibition_list_costs_the_same_for_few_or_many(self, client_as, world):
        client = client_as("guardian")
        url = reverse("students:exhibition-list", args=[world.student.pk])
        started(world)
        few = queries(client, url)
        for _ in range(5):
            started(world, gateway=Exhibition.Gateway.YEAR_TWO)
        assert queries(client, url) == few


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_no_assessment_page_carries_inline_code_and_typed_markup_is_text(client_as, world, role):
    payload = '<script>alert("x")</script>'
    world.term.name = payload
    world.term.save()
    plan_item(world, title=payload)
    exhibition = started(world, title=payload, room=payload)
    seat(exhibition, world.mentor, Role.MENTOR)
    seat(exhibition, name=payload, role=Role.OUTSIDE)
    written = narrative(world, published=True, social=payload)
    own = narrative(world, Kind.STUDENT, social=payload)
    student = world.student.pk
    urls = {
        "admin": [
            reverse("students:narrative-list", args=[student]),
            reverse("students:narrative-create", args=[student]) + "?kind=advisor&term=0",
            written.get_absolute_url(),
            reverse("students:narrative-update", args=[written.pk]),
            reverse("students:exhibition-list", args=[student]),
            reverse("students:exhibition-create", args=[student]),
            exhibition.get_absolute_url(),
            reverse("students:exhibition-update", args=[exhibition.pk]),
            reverse("students:exhibition-result", args=[exhibition.pk]),
        ],
        "advisor": [
            exhibition.get_absolute_url(),
            reverse("students:exhibition-feedback", args=[exhibition.pk])
            + "?panelist="
            + str(exhibition.panelists.get(person=None).pk),
        ],
        "student": [own.get_absolute_url(), reverse("students:narrative-update", args=[own.pk])],
        "guardian": [written.get_absolute_url(), exhibition.get_absolute_url()],
        "mentor": [
            exhibition.get_absolute_url(),
            reverse("students:exhibition-feedback", args=[exhibition.pk]),
        ],
    }[role]
    client = client_as(role)
    for url in urls:
        response = client.get(url)
        if response.status_code == 302:  # the admin's advisor narrative already exists
            response = client.get(response.url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert INLINE_CODE.search(page) is None, f"{role} {url}: {INLINE_CODE.search(page)}"
        assert "<script>alert" not in page
        assert html.escape(payload) in page or "&lt;script&gt;" in page, url
