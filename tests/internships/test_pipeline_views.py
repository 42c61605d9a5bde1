"""The pipeline's pages through the client: proposing, each step by its button, who sees
what on the placement page, explorations, visits, evaluations, and the cost of the pages."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from internships.models import Evaluation, Exploration, Placement, PlacementEvent, SiteVisit
from tests import factories
from tests.internships.matrix_pipeline import agreement, placement, propose
from tests.internships.test_pipeline_services import RATINGS

INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE
)


def _form_data(world, **overrides) -> dict:
    data = agreement(world)
    data = {
        **data,
        "site": data["site"].pk,
        "mentor": data["mentor"].pk,
        "starts_at_time": "09:00",
        "ends_at_time": "13:00",
        "start_on": data["start_on"].isoformat(),
        "end_on": data["end_on"].isoformat(),
        "review_on": data["review_on"].isoformat(),
    }
    data.update(overrides)
    return data


def _step(client, placement_, step, note=""):
    url = reverse("internships:placement-step", args=[placement_.pk])
    return client.post(url, {"step": step, "note": note})


def _page(client, placement_) -> str:
    response = client.get(placement_.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def item(world):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    return factories.PlanItemFactory(plan=plan, title="Measure and compare", goals=["quantitative"])


class TestPropose:
    def test_the_student_proposes_through_the_page(self, client_as, world, item):
        client = client_as("student")
        url = reverse("internships:placement-propose", args=[world.student.pk])
        page = client.get(url).content.decode()
        assert "Measure and compare" in page
        response = client.post(url, _form_data(world, plan_items=[item.pk]))
        placement_ = Placement.objects.get()
        assert response.status_code == 302
        assert response.url == placement_.get_absolute_url()
        assert placement_.days == ["tue", "thu"]
        assert list(placement_.plan_items.all()) == [item]

    def test_an_expired_mentor_is_refused_next_to_the_field(self, client_as, world):
        world.mentor_profile.check_expires_on = world.school.today() - timedelta(days=1)
        world.mentor_profile.save()
        client = client_as("advisor")
        url = reverse("internships:placement-propose", args=[world.student.pk])
        response = client.post(url, _form_data(world))
        assert response.status_code == 200
        assert "expired" in response.context["form"].errors["mentor"][0]
        assert not Placement.objects.exists()

    def test_another_students_plan_goal_is_not_a_choice(self, client_as, world, item):
        other = factories.PlanItemFactory(
            plan=factories.PlanFactory(student=world.other_student, term=world.term)
        )
        client = client_as("student")
        url = reverse("internships:placement-propose", args=[world.student.pk])
        response = client.post(url, _form_data(world, plan_items=[item.pk, other.pk]))
        assert response.status_code == 200
        assert "plan_items" in response.context["form"].errors
        assert not Placement.objects.exists()

    def test_until_before_from_is_refused_next_to_the_field(self, client_as, world):
        client = client_as("student")
        url = reverse("internships:placement-propose", args=[world.student.pk])
        response = client.post(url, _form_data(world, starts_at_time="14:00"))
        assert "ends_at_time" in response.context["form"].errors

    def test_an_opportunity_fills_the_site_and_mentor(self, client_as, world):
        opportunity = factories.OpportunityFactory(
            site=world.mentor_profile.site, mentor=world.mentor_profile
        )
        client = client_as("student")
        url = reverse("internships:placement-propose", args=[world.student.pk])
        form = client.get(f"{url}?opportunity={opportunity.pk}").context["form"]
        assert form.initial["mentor"] == world.mentor_profile

    def test_a_guardian_gets_no_propose_button(self, client_as, world):
        page = client_as("guardian").get(
            reverse("internships:student-internships", args=[world.student.pk])
        )
        assert "Propose an internship" not in page.content.decode()

    def test_the_agreement_page_after_consent_sends_back_to_the_placement(self, client_as, world):
        consented = placement(world, status="consented")
        response = client_as("advisor").get(
            reverse("internships:placement-update", args=[consented.pk])
        )
        assert response.status_code == 302
        assert response.url == consented.get_absolute_url()

    def test_the_proposer_changes_the_agreement(self, client_as, world):
        proposed = propose(world)
        client = client_as("student")
        url = reverse("internships:placement-update", args=[proposed.pk])
        assert client.get(url).context["form"].initial["project"] == "Build a tide gauge"
        response = client.post(url, _form_data(world, project="Tide clock"))
        assert response.status_code == 302
        proposed.refresh_from_db()
        assert proposed.project == "Tide clock"


class TestSteps:
    def test_the_whole_pipeline_through_the_buttons(self, client, world):
        proposed = propose(world)
        client.force_login(world.advisor)
        assert "Approve" in _page(client, proposed)
        assert _step(client, proposed, "approve").status_code == 302
        client.force_login(world.guardian)
        assert "I give my consent" in _page(client, proposed)
        _step(client, proposed, "consent", "Happy for her to go")
        client.force_login(world.mentor)
        assert "Accept the intern" in _page(client, proposed)
        _step(client, proposed, "accept")
        proposed.refresh_from_db()
        assert proposed.status == Placement.Status.ACTIVE
        page = _page(client, proposed)
        assert world.guardian.get_full_name() in page  # the family's signature
        assert "Happy for her to go" in page

    def test_the_wrong_person_is_refused(self, client_as, world):
        proposed = propose(world)
        assert _step(client_as("student"), proposed, "approve").status_code == 403
        assert _step(client_as("mentor"), proposed, "approve").status_code == 404  # not yet theirs
        proposed.refresh_from_db()
        assert proposed.status == Placement.Status.PROPOSED

    def test_the_wrong_state_is_a_message(self, client_as, world):
        proposed = propose(world)
        client = client_as("guardian")
        response = _step(client, proposed, "consent")
        assert response.status_code == 302
        messages = [str(m) for m in client.get(response.url).context["messages"]]
        assert any("cannot be taken now" in m for m in messages)
        proposed.refresh_from_db()
        assert proposed.status == Placement.Status.PROPOSED

    def test_a_guardian_of_another_student_gets_a_404(self, client, world):
        approved = placement(world, status="approved")
        client.force_login(world.other_link.guardian)
        assert client.get(approved.get_absolute_url()).status_code == 404
        assert _step(client, approved, "consent").status_code == 404
        approved.refresh_from_db()
        assert approved.status == Placement.Status.APPROVED

    def test_ending_early_needs_a_reason(self, client_as, world):
        running = placement(world)
        client = client_as("advisor")
        _step(client, running, "end", "")
        running.refresh_from_db()
        assert running.status == Placement.Status.ACTIVE
        _step(client, running, "end", "The workshop closed")
        running.refresh_from_db()
        assert running.end_reason == "The workshop closed"

    def test_an_unknown_step_changes_nothing(self, client_as, world):
        proposed = propose(world)
        assert _step(client_as("advisor"), proposed, "teleport").status_code == 302
        assert PlacementEvent.objects.count() == 1

    def test_nobody_sees_a_button_that_is_not_theirs(self, client_as, world):
        approved = placement(world, status="approved")
        for role in ("advisor", "student", "admin"):
            assert "I give my consent" not in _page(client_as(role), approved)
        assert "Accept the intern" not in _page(client_as("advisor"), approved)
        # The mentor joins at the family's consent: before it, the page is not theirs.
        assert client_as("mentor").get(approved.get_absolute_url()).status_code == 404


class TestStudentPage:
    def test_explorations_and_placements_with_the_next_step(self, client_as, world):
        Exploration.objects.create(
            student=world.student,
            kind="shadow",
            on=world.school.today(),
            with_whom="A boat builder",
            reflection="Wood moves with the weather.",
        )
        placement(world, status="approved", project="Harbor survey")
        placement(world, status="completed", project="Old project")
        page = (
            client_as("guardian")
            .get(reverse("internships:student-internships", args=[world.student.pk]))
            .content.decode()
        )
        assert "Wood moves with the weather." in page
        assert "Consent from a guardian" in page
        assert world.guardian.get_full_name() in page
        assert "Old project" in page

    def test_the_student_logs_an_exploration(self, client_as, world):
        client = client_as("student")
        url = reverse("internships:exploration-create", args=[world.student.pk])
        response = client.post(
            url,
            {
                "kind": "interview",
                "on": world.school.today().isoformat(),
                "with_whom": "A harbor pilot",
                "reflection": "Tides decide everything.",
            },
        )
        assert response.status_code == 302
        assert response.url == reverse("internships:student-internships", args=[world.student.pk])
        assert Exploration.objects.get().with_whom == "A harbor pilot"

    def test_an_exploration_ahead_is_refused_next_to_the_date(self, client_as, world):
        url = reverse("internships:exploration-create", args=[world.student.pk])
        response = client_as("student").post(
            url,
            {
                "kind": "shadow",
                "on": (world.school.today() + timedelta(days=2)).isoformat(),
                "with_whom": "A chef",
                "reflection": "x",
            },
        )
        assert "on" in response.context["form"].errors
        assert not Exploration.objects.exists()


class TestVisitsAndEvaluations:
    def test_the_advisor_records_a_visit_the_mentor_does_not_see_it(self, client_as, world):
        running = placement(world)
        client = client_as("advisor")
        url = reverse("internships:visit-create", args=[running.pk])
        response = client.post(
            url,
            {"on": world.school.today().isoformat(), "observations": "Confident with tools"},
        )
        assert response.status_code == 302
        assert SiteVisit.objects.get().advisor == world.advisor
        for role in ("student", "guardian", "admin"):
            assert "Confident with tools" in _page(client_as(role), running)
        assert "Confident with tools" not in _page(client_as("mentor"), running)

    def test_a_visit_ahead_is_refused_next_to_the_date(self, client_as, world):
        running = placement(world)
        response = client_as("advisor").post(
            reverse("internships:visit-create", args=[running.pk]),
            {"on": (world.school.today() + timedelta(days=1)).isoformat(), "observations": "x"},
        )
        assert "on" in response.context["form"].errors

    def test_the_mentor_writes_the_evaluation_everyone_reads_it(self, client_as, world):
        running = placement(world)
        client = client_as("mentor")
        assert "Write the evaluation" in _page(client, running)
        url = reverse("internships:evaluation-write", args=[running.pk]) + "?semester=2"
        data = {**RATINGS, "initiative": 4, "strengths": "Asks sharp questions", "next_steps": ""}
        assert client.post(url, data).status_code == 302
        evaluation = Evaluation.objects.get()
        assert (evaluation.semester, evaluation.ratings["initiative"]) == (2, 4)
        assert client.get(url).context["form"].initial["strengths"] == "Asks sharp questions"
        for role in ("student", "guardian", "advisor", "mentor"):
            page = _page(client_as(role), running)
            assert "Asks sharp questions" in page
            assert "Exemplary" in page

    def test_a_missing_level_is_refused_next_to_its_line(self, client_as, world):
        running = placement(world)
        url = reverse("internships:evaluation-write", args=[running.pk]) + "?semester=1"
        data = {k: v for k, v in RATINGS.items() if k != "social"}
        response = client_as("mentor").post(url, data)
        assert "social" in response.context["form"].errors
        assert not Evaluation.objects.exists()

    def test_an_unknown_semester_is_a_404(self, client_as, world):
        running = placement(world)
        url = reverse("internships:evaluation-write", args=[running.pk]) + "?semester=3"
        assert client_as("mentor").get(url).status_code == 404


class TestPages:
    def test_no_page_carries_inline_code(self, client_as, world):
        running = placement(world)
        proposed = placement(world, student=world.student, status="proposed")
        pages = {
            "advisor": [
                running.get_absolute_url(),
                reverse("internships:student-internships", args=[world.student.pk]),
                reverse("internships:placement-propose", args=[world.student.pk]),
                reverse("internships:exploration-create", args=[world.student.pk]),
                reverse("internships:visit-create", args=[running.pk]),
                reverse("internships:placement-update", args=[proposed.pk]),
            ],
            "mentor": [
                running.get_absolute_url(),
                reverse("internships:evaluation-write", args=[running.pk]),
            ],
            "guardian": [running.get_absolute_url()],
        }
        for role, urls in pages.items():
            client = client_as(role)
            for url in urls:
                html = client.get(url).content.decode()
                assert INLINE_CODE.search(html) is None, f"{role} {url}"
                assert html.count("<h1") == 1, f"{role} {url}"

    def test_typed_markup_is_shown_as_text(self, client_as, world):
        payload = "<script>alert(1)</script>"
        running = placement(world, project=payload, status="ended", end_reason=payload)
        PlacementEvent.objects.create(
            placement=running,
            from_status="active",
            to_status="ended",
            by=world.advisor,
            note=payload,
        )
        html = _page(client_as("guardian"), running)
        assert "<script>alert" not in html
        assert "&lt;script&gt;" in html

    @staticmethod
    def _history(world, running, size):
        years = [
            factories.SchoolYearFactory(
                school=world.school,
                name=f"Year {running.pk}-{n}",
                start_date=date(2000 + n, 8, 1),
                end_date=date(2001 + n, 6, 30),
            )
            for n in range(size)
        ]
        plan = running.student.plans.filter(term=world.term).first()
        plan = plan or factories.PlanFactory(student=running.student, term=world.term)
        for n in range(size):
            PlacementEvent.objects.create(
                placement=running, from_status="", to_status="proposed", by=world.advisor
            )
            SiteVisit.objects.create(
                placement=running, advisor=world.advisor, on=running.start_on, observations="ok"
            )
            Evaluation.objects.create(
                placement=running,
                school_year=years[n],
                semester=1 + n % 2,
                ratings=RATINGS,
                author=world.mentor,
            )
            running.plan_items.add(factories.PlanItemFactory(plan=plan, goals=["social"]))

    @pytest.mark.parametrize("role", ["advisor", "guardian", "mentor"])
    def test_the_placement_page_costs_the_same_with_1_and_8_of_everything(
        self, client_as, world, role, django_assert_num_queries
    ):
        small = placement(world)
        other_student = factories.MembershipFactory(advisory=world.advisory).student
        factories.GuardianLinkFactory(student=other_student, guardian=world.guardian)
        large = placement(world, student=other_student, mentor=world.mentor_profile)
        self._history(world, small, 1)
        self._history(world, large, 8)
        client = client_as(role)
        client.get(small.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            client.get(small.get_absolute_url())
        with django_assert_num_queries(len(queries)):
            response = client.get(large.get_absolute_url())
        assert response.status_code == 200

    def test_the_placement_page_costs_the_same_for_the_student_with_1_and_8_of_everything(
        self, client_as, world, django_assert_num_queries
    ):
        # Both the student's own: the read of the placement takes the columns the page shows,
        # so no column is fetched afterwards, one query each (that would add to both).
        small = placement(world, status="consented", approved_by=world.advisor)
        large = placement(
            world,
            status="consented",
            approved_by=world.advisor,
            consented_by=world.guardian,
            review_on=world.school.today(),
        )
        self._history(world, small, 1)
        self._history(world, large, 8)
        client = client_as("student")
        client.get(small.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            client.get(small.get_absolute_url())
        # The session's person, the placement, its steps, plan goals (two), visits and
        # evaluations, in a transaction; and the navigation's count of what waits.
        assert len(queries) <= 10, [query["sql"][:120] for query in queries]
        with django_assert_num_queries(len(queries)):
            response = client.get(large.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert world.mentor.get_full_name() in html
        assert world.guardian.get_full_name() in html
        assert world.advisor.get_full_name() in html
        item = large.plan_items.first()
        assert f'{item.title} <span class="small text-body-secondary">({world.term})</span>' in html
        assert f'<span class="badge text-bg-info">{item.learning_goals.get().label}</span>' in html

    def test_the_student_page_costs_the_same_with_1_and_8_of_everything(
        self, client_as, world, django_assert_num_queries
    ):
        other_student = factories.MembershipFactory(advisory=world.advisory).student
        for student, size in ((world.student, 1), (other_student, 8)):
            for n in range(size):
                mentor = factories.MentorProfileFactory(site__school=world.school)
                placement(
                    world, student=student, mentor=mentor, status=["approved", "active"][n % 2]
                )
                Exploration.objects.create(
                    student=student,
                    kind="interview",
                    on=world.school.today(),
                    site=mentor.site,
                    reflection="ok",
                )
        client = client_as("advisor")
        small = reverse("internships:student-internships", args=[world.student.pk])
        large = reverse("internships:student-internships", args=[other_student.pk])
        client.get(small)
        with CaptureQueriesContext(connection) as queries:
            client.get(small)
        with django_assert_num_queries(len(queries)):
            response = client.get(large)
        assert response.status_code == 200
        assert response.content.decode().count("Consent from a guardian") == 4
