"""What sits beside the work: the advisor's review page shows the student, the plan, its
changes since the last approved version and a comment box per goal; the narrative editor
shows the term's plan and its evidence."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from students.models import LearningGoal, LearningPlan, Narrative, PlanComment
from students.selectors import plans as selectors
from students.services import evidence as evidence_services
from students.services import plans as services
from tests import factories

# session and person, the plan, its items for the form, the page: 6 + 2; the navigation's count
REVIEW_QUERIES = 14
NARRATIVE_QUERIES = 11


@pytest.fixture
def plan(world):
    world.student.graduating_class = 2041  # in its third year of the world's 2040 year
    world.student.save(update_fields=["graduating_class"])
    return services.plan_start(student=world.student, term=world.term, by=world.student.user)


def add(plan, world, title, **fields):
    fields.setdefault("learning_goals", list(LearningGoal.objects.filter(code="empirical")))
    return services.item_add(plan=plan, by=world.student.user, title=title, **fields)


def approve(plan, world):
    services.plan_submit(plan=plan, by=world.student.user)
    services.plan_review(plan=plan, by=world.advisor, approve=True)
    plan.refresh_from_db()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


class TestChangesSinceApproval:
    def test_a_plan_never_approved_has_no_changes_to_list(self, world, plan):
        add(plan, world, "Build a boat")
        assert selectors.plan_changes(plan) is None

    def test_goals_added_removed_and_changed_since_the_approved_version(self, world, plan):
        boat = add(plan, world, "Build a boat")
        kite = add(plan, world, "Fly a kite")
        add(plan, world, "Same as before")
        approve(plan, world)
        services.item_update(item=boat, by=world.student.user, title="Build a canoe", how="Wood")
        services.item_remove(item=kite, by=world.student.user)
        add(plan, world, "Interview a sailor")
        services.plan_update(plan=plan, by=world.student.user, life_goals="Shipwright")

        changes = selectors.plan_changes(plan)

        assert changes["version"] == 1 and changes["any"]
        assert changes["added"] == ["Interview a sailor"]
        assert changes["removed"] == ["Fly a kite"]
        fields = ["title", "how I will do it"]
        assert changes["changed"] == [
            {"title": "Build a canoe", "was": "Build a boat", "fields": fields}
        ]
        assert changes["about"] == ["life goals"]

    def test_progress_alone_is_no_change_to_review(self, world, plan):
        boat = add(plan, world, "Build a boat")
        approve(plan, world)
        services.progress_record(item=boat, by=world.student.user, progress="in_progress")
        changes = selectors.plan_changes(plan)
        assert not changes["any"]

    def test_snapshots_kept_before_goals_had_keys_match_by_kind_and_title(self):
        before = {"items": [{"kind": "goal", "title": "Boat", "what": "a"}], "needs": ""}
        after = {"items": [{"pk": 7, "kind": "goal", "title": "Boat", "what": "b"}], "needs": ""}
        changes = selectors.snapshot_changes(before, after)
        assert (changes["added"], changes["removed"]) == ([], [])
        fields = ["what I will do"]
        assert changes["changed"] == [{"title": "Boat", "was": "Boat", "fields": fields}]


class TestCommentsPerGoal:
    def test_the_review_comments_on_single_goals(self, world, plan):
        boat = add(plan, world, "Build a boat")
        services.plan_submit(plan=plan, by=world.student.user)
        services.plan_review(
            plan=plan, by=world.advisor, approve=False, item_comments={boat.pk: " Add a date "}
        )
        comment = PlanComment.objects.get()
        assert (comment.item, comment.body) == (boat, "Add a date")
        assert LearningPlan.objects.get().status == LearningPlan.Status.CHANGES_REQUESTED

    def test_a_goal_of_another_plan_is_refused_and_nothing_written(self, world, plan):
        add(plan, world, "Build a boat")
        services.plan_submit(plan=plan, by=world.student.user)
        stranger = factories.PlanItemFactory(plan__student=world.other_student)
        with pytest.raises(ValidationError):
            services.plan_review(
                plan=plan, by=world.advisor, approve=False, item_comments={stranger.pk: "Hm"}
            )
        assert not PlanComment.objects.exists()
        assert LearningPlan.objects.get(pk=plan.pk).status == LearningPlan.Status.SUBMITTED

    def test_the_plan_page_shows_a_goals_comments_with_the_goal(self, client_as, world, plan):
        boat = add(plan, world, "Build a boat")
        PlanComment.objects.create(plan=plan, item=boat, author=world.advisor, body="Goal note")
        PlanComment.objects.create(plan=plan, author=world.advisor, body="Plan note")
        page = client_as("student").get(plan.get_absolute_url()).content.decode()
        conversation = page.index('id="comments-heading"')
        assert page.index("Goal note") < conversation < page.index("Plan note")


class TestReviewPage:
    def test_the_student_the_plan_and_its_changes_beside_the_decision(self, client_as, world, plan):
        add(plan, world, "Build a boat", what="A small dinghy")
        approve(plan, world)
        add(plan, world, "Interview a sailor")
        services.plan_submit(plan=plan, by=world.student.user)
        url = reverse("students:plan-review", args=[plan.pk])

        page = client_as("advisor").get(url).content.decode()

        for shown in (world.student.display_name, "301", world.advisory.name, "A small dinghy"):
            assert shown in page
        assert "Compared with version 1" in page and "Interview a sailor" in page
        assert page.count('name="item_') == 2 and 'name="decision"' in page

    def test_the_page_costs_the_same_whatever_the_plans_size(self, client_as, world, plan):
        first = add(plan, world, "Build a boat")
        evidence_services.evidence_add(
            item=first, by=world.student.user, title="Log", url="https://example.org/log"
        )
        services.plan_submit(plan=plan, by=world.student.user)
        client = client_as("advisor")
        url = reverse("students:plan-review", args=[plan.pk])
        client.get(url)  # the school's year, shared and cached, is read once
        small = count_queries(client, url)
        plan.status = LearningPlan.Status.DRAFT
        plan.save()
        for n in range(6):
            item = add(plan, world, f"Goal {n}")
            evidence_services.evidence_add(
                item=item, by=world.student.user, title=f"Log {n}", url="https://example.org/l"
            )
            PlanComment.objects.create(plan=plan, item=item, author=world.advisor, body="Hm")
        services.plan_submit(plan=plan, by=world.student.user)
        assert count_queries(client, url) == small <= REVIEW_QUERIES

    def test_asking_for_changes_with_a_goals_comment_sends_it(self, client_as, world, plan):
        boat = add(plan, world, "Build a boat")
        services.plan_submit(plan=plan, by=world.student.user)
        url = reverse("students:plan-review", args=[plan.pk])
        data = {"decision": "changes", "comment": "", f"item_{boat.pk}": "Add a date"}
        response = client_as("advisor").post(url, data)
        assert response.status_code == 302
        assert PlanComment.objects.get().item == boat

    def test_asking_for_changes_without_any_comment_keeps_what_was_typed(
        self, client_as, world, plan
    ):
        boat = add(plan, world, "Build a boat")
        services.plan_submit(plan=plan, by=world.student.user)
        url = reverse("students:plan-review", args=[plan.pk])
        data = {"decision": "changes", "comment": " ", f"item_{boat.pk}": ""}
        response = client_as("advisor").post(url, data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Say what the student should change." in page
        assert 'value="changes"' in page and "checked" in page
        assert not PlanComment.objects.exists()
        assert LearningPlan.objects.get().status == LearningPlan.Status.SUBMITTED


class TestPlanBesideTheNarrative:
    def test_the_editor_shows_the_terms_plan_and_its_evidence(self, client_as, world, plan):
        boat = add(plan, world, "Build a boat", evidence_planned="The hull")
        evidence_services.evidence_add(
            item=boat, by=world.student.user, title="Build log", url="https://example.org/log"
        )
        url = reverse("students:narrative-create", args=[world.student.pk]) + "?kind=advisor"
        page = client_as("advisor").get(url).content.decode()
        for shown in ("Build a boat", "The hull", "Build log", "https://example.org/log"):
            assert shown in page
        assert reverse("students:plan-detail", args=[plan.pk]) in page
        assert "<textarea" in page  # the editor stays

    def test_editing_shows_the_plan_of_the_narratives_term(self, client_as, world, plan):
        add(plan, world, "Build a boat")
        narrative = factories.NarrativeFactory(
            student=world.student,
            term=world.term,
            kind=Narrative.Kind.STUDENT,
            author=world.student.user,
        )
        url = reverse("students:narrative-update", args=[narrative.pk])
        assert "Build a boat" in client_as("student").get(url).content.decode()

    def test_a_term_without_a_plan_says_so(self, client_as, world):
        url = reverse("students:narrative-create", args=[world.student.pk])
        page = client_as("student").get(url).content.decode()
        assert "There is no learning plan for this term." in page

    def test_the_editor_costs_the_same_whatever_the_plans_size(self, client_as, world, plan):
        client = client_as("student")
        url = reverse("students:narrative-create", args=[world.student.pk])
        client.get(url)  # the school's current term, shared and cached, is read once
        small = count_queries(client, url)
        for n in range(5):
            item = add(plan, world, f"Goal {n}")
            evidence_services.evidence_add(
                item=item, by=world.student.user, title=f"Log {n}", url="https://example.org/l"
            )
        assert count_queries(client, url) == small <= NARRATIVE_QUERIES
