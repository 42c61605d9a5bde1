"""Learning plans: the student shapes the plan, the advisor reviews it, every change is kept."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from students.models import Evidence, LearningGoal, LearningPlan, PlanItem, PlanRevision
from students.reminders.plans import plans_waiting
from students.services import evidence as evidence_services
from students.services import plans as services
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def plan(world):
    return services.plan_start(student=world.student, term=world.term, by=world.student.user)


def goals(*codes):
    return list(LearningGoal.objects.filter(code__in=codes))


def add(plan, world, title="Build a boat", **fields):
    fields.setdefault("learning_goals", goals("empirical"))
    return services.item_add(plan=plan, by=world.student.user, title=title, **fields)


class TestStartingAPlan:
    def test_the_five_learning_goals_are_seeded_with_their_questions(self, db):
        assert [goal.code for goal in LearningGoal.objects.all()] == [
            "empirical",
            "quantitative",
            "communication",
            "social",
            "personal",
        ]
        assert LearningGoal.objects.get(code="empirical").guiding_question == "How do I prove it?"

    def test_a_first_plan_starts_from_the_profile(self, world, plan):
        assert plan.interests == world.student.interests
        assert plan.status == LearningPlan.Status.DRAFT
        assert plan.revisions.get().action == PlanRevision.Action.CREATED

    def test_only_the_student_starts_their_plan(self, world):
        with pytest.raises(PermissionDenied):
            services.plan_start(student=world.student, term=world.term, by=world.advisor)
        with pytest.raises(PermissionDenied):
            services.plan_start(student=world.student, term=world.term, by=world.other_student.user)

    def test_one_plan_per_term(self, world, plan):
        with pytest.raises(ValidationError) as error:
            services.plan_start(student=world.student, term=world.term, by=world.student.user)
        assert "term" in error.value.error_dict

    def test_a_new_term_carries_unmet_work_over(self, world, plan):
        met = add(plan, world, "Finished")
        unmet = add(plan, world, "Still going", learning_goals=goals("social", "communication"))
        services.progress_record(item=met, by=world.student.user, progress=PlanItem.Progress.MET)
        plan.life_goals = "Marine engineer"
        plan.save()
        next_term = factories.TermFactory(
            school_year=world.year,
            name="Next term",
            start_date=world.term.end_date + timedelta(days=1),
            end_date=world.term.end_date + timedelta(days=80),
        )
        new = services.plan_start(student=world.student, term=next_term, by=world.student.user)
        carried = new.items.get()
        assert carried.title == "Still going"
        assert carried.carried_from == unmet
        assert {g.code for g in carried.learning_goals.all()} == {"social", "communication"}
        assert new.life_goals == "Marine engineer"
        unmet.refresh_from_db()
        assert unmet.progress == PlanItem.Progress.CARRIED_OVER
        assert unmet.updates.get().note == str(next_term)


class TestGoalsAndProjects:
    def test_an_item_needs_a_learning_goal_or_to_be_personal(self, world, plan):
        with pytest.raises(ValidationError) as error:
            add(plan, world, learning_goals=[])
        assert "learning_goals" in error.value.error_dict
        assert not plan.items.exists()
        personal = add(plan, world, "Run a 10k", learning_goals=[], is_personal=True)
        assert personal.is_personal

    def test_a_date_before_the_term_is_refused(self, world, plan):
        with pytest.raises(ValidationError) as error:
            add(plan, world, due_on=world.term.start_date - timedelta(days=1))
        assert "due_on" in error.value.error_dict

    def test_items_are_added_at_the_end_and_reordered(self, world, plan):
        first, second, third = (add(plan, world, title) for title in ("A", "B", "C"))
        services.item_move(item=third, by=world.student.user, direction="up")
        assert list(plan.items.order_by("position").values_list("title", flat=True)) == [
            "A",
            "C",
            "B",
        ]
        services.item_move(item=first, by=world.student.user, direction="up")  # already first
        assert plan.items.order_by("position").first() == first
        assert second.pk

    def test_only_the_student_changes_the_content(self, world, plan):
        item = add(plan, world)
        for person in (world.advisor, world.guardian, world.admin):
            with pytest.raises(PermissionDenied):
                services.item_update(item=item, by=person, title="Mine now")
        with pytest.raises(PermissionDenied):
            services.plan_update(plan=plan, by=world.advisor, interests="x")

    def test_removing_keeps_the_item_in_the_history(self, world, plan):
        item = add(plan, world, "Short-lived")
        services.item_remove(item=item, by=world.student.user)
        assert not plan.items.exists()
        added = plan.revisions.get(action=PlanRevision.Action.ITEM_ADDED)
        assert added.snapshot["items"][0]["title"] == "Short-lived"
        assert plan.revisions.filter(action=PlanRevision.Action.ITEM_REMOVED).exists()


class TestReview:
    def test_an_empty_plan_cannot_be_submitted(self, world, plan):
        with pytest.raises(ValidationError, match="at least one goal or project"):
            services.plan_submit(plan=plan, by=world.student.user)
        plan.refresh_from_db()
        assert plan.status == LearningPlan.Status.DRAFT

    def test_submit_then_approve_with_messages_to_each_side(
        self, world, plan, mailoutbox, django_capture_on_commit_callbacks
    ):
        add(plan, world)
        with django_capture_on_commit_callbacks(execute=True):
            services.plan_submit(plan=plan, by=world.student.user)
        assert [m.to for m in mailoutbox] == [[world.advisor.email]]
        assert "waiting for your review" in mailoutbox[0].subject
        with pytest.raises(ValidationError, match="waiting for your advisor"):
            services.plan_update(plan=plan, by=world.student.user, interests="changed")
        with django_capture_on_commit_callbacks(execute=True):
            services.plan_review(plan=plan, by=world.advisor, approve=True, comment="Great plan")
        plan.refresh_from_db()
        assert (plan.status, plan.reviewed_by) == (LearningPlan.Status.APPROVED, world.advisor)
        assert mailoutbox[1].to == [world.student.user.email]
        assert "approved" in mailoutbox[1].subject
        assert plan.comments.get().body == "Great plan"

    def test_asking_for_changes_needs_a_comment(self, world, plan):
        add(plan, world)
        services.plan_submit(plan=plan, by=world.student.user)
        with pytest.raises(ValidationError) as error:
            services.plan_review(plan=plan, by=world.advisor, approve=False, comment=" ")
        assert "comment" in error.value.error_dict
        services.plan_review(plan=plan, by=world.advisor, approve=False, comment="Add a date")
        plan.refresh_from_db()
        assert plan.status == LearningPlan.Status.CHANGES_REQUESTED

    def test_only_the_students_advisor_or_an_admin_reviews(self, world, plan):
        add(plan, world)
        services.plan_submit(plan=plan, by=world.student.user)
        for person in (world.other_advisor, world.student.user, world.guardian, world.admin2):
            with pytest.raises(PermissionDenied):
                services.plan_review(plan=plan, by=person, approve=True)
        services.plan_review(plan=plan, by=world.admin, approve=True)

    def test_revising_an_approved_plan_starts_a_new_version_that_goes_back_to_review(
        self, world, plan
    ):
        item = add(plan, world)
        services.plan_submit(plan=plan, by=world.student.user)
        services.plan_review(plan=plan, by=world.advisor, approve=True)
        services.item_update(item=item, by=world.student.user, title="Build a bigger boat")
        plan.refresh_from_db()
        assert (plan.status, plan.version) == (LearningPlan.Status.DRAFT, 2)
        services.plan_submit(plan=plan, by=world.student.user)
        versions = plan.revisions.filter(action=PlanRevision.Action.SUBMITTED)
        assert sorted(versions.values_list("version", flat=True)) == [1, 2]
        first = plan.revisions.get(version=1, action=PlanRevision.Action.APPROVED)
        assert first.snapshot["items"][0]["title"] == "Build a boat"

    def test_progress_is_not_a_revision_of_the_plan(self, world, plan):
        item = add(plan, world)
        services.plan_submit(plan=plan, by=world.student.user)
        services.plan_review(plan=plan, by=world.advisor, approve=True)
        services.progress_record(item=item, by=world.advisor, progress="in_progress", note="Hull")
        plan.refresh_from_db()
        assert (plan.status, plan.version) == (LearningPlan.Status.APPROVED, 1)


class TestProgressAndComments:
    def test_progress_is_dated_and_never_in_the_future(self, world, plan):
        item = add(plan, world)
        tomorrow = world.school.today() + timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            services.progress_record(item=item, by=world.student.user, progress="met", on=tomorrow)
        assert "on" in error.value.error_dict
        services.progress_record(item=item, by=world.student.user, progress="met", note="Done")
        item.refresh_from_db()
        assert item.progress == PlanItem.Progress.MET

    def test_family_may_comment_but_not_record_progress(self, world, plan):
        item = add(plan, world)
        with pytest.raises(PermissionDenied):
            services.progress_record(item=item, by=world.guardian, progress="met")
        comment = services.plan_comment(plan=plan, by=world.guardian, body="Proud of you")
        assert comment.author == world.guardian
        with pytest.raises(ValidationError):
            services.plan_comment(plan=plan, by=world.guardian, body="   ")
        other_family = world.other_link.guardian
        with pytest.raises(PermissionDenied):
            services.plan_comment(plan=plan, by=other_family, body="Hello")


class TestEvidence:
    def upload(self, name, content):
        return SimpleUploadedFile(name, content, content_type="application/octet-stream")

    def test_a_pdf_is_kept_privately_and_served_only_through_the_policy(self, world, plan, client):
        item = add(plan, world)
        evidence = evidence_services.evidence_add(
            item=item, by=world.student.user, title="Report", file=self.upload("report.pdf", PDF)
        )
        assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))
        assert "report.pdf" not in evidence.file.name  # stored under a random name
        url = reverse("students:evidence-file", args=[evidence.pk])
        assert url == evidence.get_absolute_url()
        client.force_login(world.guardian)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        client.force_login(world.other_link.guardian)
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("tool.pdf", EXE, "not accepted"),  # a program dressed up as a PDF
            ("notes.txt", b"just text", "not accepted"),
            ("picture.pdf", PNG, "does not match its content"),
        ],
    )
    def test_disguised_or_unknown_files_are_refused(self, world, plan, name, content, message):
        item = add(plan, world)
        with pytest.raises(ValidationError, match=message) as error:
            evidence_services.evidence_add(
                item=item, by=world.student.user, title="x", file=self.upload(name, content)
            )
        assert "file" in error.value.error_dict
        assert not Evidence.objects.exists()

    def test_an_oversized_file_is_refused(self, world, plan):
        world.school.evidence_limit_mb = 1
        world.school.save(update_fields=["evidence_limit_mb"])
        item = add(plan, world)
        big = self.upload("big.pdf", PDF + b"0" * 2**20)
        with pytest.raises(ValidationError, match="largest your school accepts is 1 MB"):
            evidence_services.evidence_add(item=item, by=world.student.user, title="Big", file=big)

    def test_a_link_or_a_file_not_both(self, world, plan):
        item = add(plan, world)
        with pytest.raises(ValidationError):
            evidence_services.evidence_add(
                item=item,
                by=world.student.user,
                title="Both",
                file=self.upload("a.pdf", PDF),
                url="https://example.org/work",
            )
        link = evidence_services.evidence_add(
            item=item, by=world.advisor, title="Site", url="https://example.org/work"
        )
        assert link.get_absolute_url() == "https://example.org/work"

    def test_removing_evidence_deletes_the_file(
        self, world, plan, django_capture_on_commit_callbacks
    ):
        item = add(plan, world)
        evidence = evidence_services.evidence_add(
            item=item, by=world.student.user, title="R", file=self.upload("r.png", PNG)
        )
        storage, name = evidence.file.storage, evidence.file.name
        assert storage.exists(name)
        with django_capture_on_commit_callbacks(execute=True):
            evidence_services.evidence_remove(evidence=evidence, by=world.student.user)
        assert not storage.exists(name)


class TestWaitingReminder:
    def test_a_plan_waiting_a_week_reminds_the_advisor_once(self, world, plan):
        add(plan, world)
        services.plan_submit(plan=plan, by=world.student.user)
        today = world.school.today()
        assert plans_waiting(world.school, today, 7) == []
        LearningPlan.objects.filter(pk=plan.pk).update(
            submitted_at=timezone.now() - timedelta(days=8)
        )
        drafts = plans_waiting(world.school, today, 7)
        assert [d.recipient_id for d in drafts] == [world.advisor.pk]
        assert drafts[0].context["student"] == world.student.display_name


class TestPages:
    def test_the_student_builds_and_submits_a_plan_in_the_browser_forms(self, client, world):
        client.force_login(world.student.user)
        response = client.post(
            reverse("students:plan-start", args=[world.student.pk]),
            {"term": world.term.pk, "carry_over": "on"},
        )
        plan = LearningPlan.objects.get(student=world.student)
        assert response.url == plan.get_absolute_url()
        new_item = reverse("students:item-create", args=[plan.pk])
        response = client.post(new_item, {"kind": "goal", "title": "Interview a welder"})
        assert response.status_code == 200  # no learning goal, not personal
        page = response.content.decode()
        assert "Choose at least one of the Five Learning Goals" in page
        assert 'value="Interview a welder"' in page  # what the student typed is kept
        goal = LearningGoal.objects.get(code="communication")
        client.post(
            new_item,
            {"kind": "goal", "title": "Interview a welder", "learning_goals": [goal.pk]},
        )
        client.post(reverse("students:plan-submit", args=[plan.pk]))
        plan.refresh_from_db()
        assert plan.status == LearningPlan.Status.SUBMITTED
        page = client.get(plan.get_absolute_url()).content.decode()
        assert "Interview a welder" in page
        assert "waits for your advisor" in page

    def test_the_advisor_reviews_in_the_browser(self, client, world, plan):
        add(plan, world)
        services.plan_submit(plan=plan, by=world.student.user)
        client.force_login(world.advisor)
        review = reverse("students:plan-review", args=[plan.pk])
        response = client.post(review, {"decision": "changes", "comment": ""})
        assert "Say what the student should change." in response.content.decode()
        response = client.post(review, {"decision": "changes", "comment": "Add a date"})
        assert response.url == plan.get_absolute_url()
        page = client.get(plan.get_absolute_url()).content.decode()
        assert "Add a date" in page
        assert "Changes requested" in page

    def test_a_guardian_reads_and_comments(self, client, world, plan):
        add(plan, world, "Sail solo")
        client.force_login(world.guardian)
        page = client.get(plan.get_absolute_url()).content.decode()
        assert "Sail solo" in page
        assert reverse("students:item-create", args=[plan.pk]) not in page
        client.post(reverse("students:plan-comment", args=[plan.pk]), {"body": "Go for it"})
        assert plan.comments.get().body == "Go for it"

    def test_history_shows_who_changed_what_and_each_version(self, client, world, plan):
        item = add(plan, world, "First title")
        services.item_update(item=item, by=world.student.user, title="Second title")
        client.force_login(world.advisor)
        page = client.get(reverse("students:plan-history", args=[plan.pk])).content.decode()
        assert "Changed a goal or project: Second title" in page
        assert world.student.user.get_full_name() in page
        added = plan.revisions.get(action=PlanRevision.Action.ITEM_ADDED)
        old = client.get(reverse("students:revision-detail", args=[added.pk])).content.decode()
        assert "First title" in old
        assert "Second title" not in old

    def test_the_plan_page_costs_the_same_queries_with_four_years_of_history(
        self, client, world, django_assert_num_queries
    ):
        def history(student, terms, items):
            plans = []
            for number in range(terms):
                start = world.term.start_date - timedelta(days=100 * (number + 1))
                term = factories.TermFactory(
                    school_year=world.year,
                    name=f"Past {student.pk}-{number}",
                    start_date=start,
                    end_date=start + timedelta(days=60),
                )
                plans.append(factories.PlanFactory(student=student, term=term))
            plans.append(factories.PlanFactory(student=student, term=world.term))
            for plan in plans:
                for _n in range(items):
                    item = factories.PlanItemFactory(plan=plan, goals=["empirical", "social"])
                    services.progress_record(item=item, by=student.user, progress="in_progress")
                    evidence_services.evidence_add(
                        item=item, by=student.user, title="link", url="https://example.org"
                    )
                services.plan_comment(plan=plan, by=world.advisor, body="Keep going")
            return plans[-1]

        small = history(world.student, terms=0, items=1)
        other = factories.MembershipFactory(advisory=world.advisory).student
        large = history(other, terms=15, items=6)
        client.force_login(world.advisor)
        client.get(small.get_absolute_url())
        with CaptureQueriesContext(connection) as small_queries:
            client.get(small.get_absolute_url())
        with django_assert_num_queries(len(small_queries)):
            response = client.get(large.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count("Keep going") == 1


class TestFromTheReview:
    def test_the_about_me_form_saves_through_the_page(self, client, world, plan):
        client.force_login(world.student.user)
        url = reverse("students:plan-update", args=[plan.pk])
        data = {"interests": "Boats and tides", "life_goals": "", "learning_style": "", "needs": ""}
        assert client.post(url, data).status_code == 302
        plan.refresh_from_db()
        assert plan.interests == "Boats and tides"
        edited = plan.revisions.get(action=PlanRevision.Action.EDITED)
        assert "interests" in edited.snapshot["changed"]

    def test_saving_an_unchanged_item_keeps_the_approval(self, client, world, plan):
        item = add(plan, world, "Steady")
        services.plan_submit(plan=plan, by=world.student.user)
        services.plan_review(plan=plan, by=world.advisor, approve=True)
        client.force_login(world.student.user)
        goal = LearningGoal.objects.get(code="empirical")
        data = {"kind": "goal", "title": "Steady", "learning_goals": [goal.pk]}
        data |= {"what": item.what}
        client.post(reverse("students:item-update", args=[item.pk]), data)
        plan.refresh_from_db()
        assert (plan.status, plan.version) == (LearningPlan.Status.APPROVED, 1)

    def test_waiting_days_count_in_the_schools_time_zone(self, world, plan):
        from datetime import datetime, time

        add(plan, world)
        services.plan_submit(plan=plan, by=world.student.user)
        evening = datetime.combine(
            world.school.today() - timedelta(days=7), time(21, 0), tzinfo=world.school.zone
        )  # 21:00 in New York is already the next day in UTC
        LearningPlan.objects.filter(pk=plan.pk).update(submitted_at=evening)
        (draft,) = plans_waiting(world.school, world.school.today(), 7)
        assert draft.context["since"] == evening.date().isoformat()

    def test_work_is_carried_over_once_whatever_order_plans_start_in(self, world, plan):
        add(plan, world, "Unfinished")
        later = [
            factories.TermFactory(
                school_year=world.year,
                name=f"Later {n}",
                start_date=world.term.end_date + timedelta(days=1 + 100 * n),
                end_date=world.term.end_date + timedelta(days=80 + 100 * n),
            )
            for n in (1, 0)
        ]
        for term in later:  # the later term first, then the one in between
            services.plan_start(student=world.student, term=term, by=world.student.user)
        assert PlanItem.objects.filter(title="Unfinished").count() == 2

    def test_a_past_terms_plan_is_kept_as_it_was(self, world):
        past = factories.TermFactory(
            school_year=world.year,
            name="Past",
            start_date=world.term.start_date - timedelta(days=90),
            end_date=world.term.start_date - timedelta(days=10),
        )
        old = factories.PlanFactory(student=world.student, term=past)
        item = factories.PlanItemFactory(plan=old, goals=["social"])
        with pytest.raises(ValidationError, match="This term is over"):
            services.item_update(item=item, by=world.student.user, title="Rewritten")
        assert not old.is_editable

    def test_work_shown_at_an_exhibition_stays_in_the_plan(self, world, plan):
        item = add(plan, world, "Shown")
        exhibition = factories.ExhibitionFactory(student=world.student, term=world.term)
        exhibition.work.add(item)
        with pytest.raises(ValidationError, match="exhibition"):
            services.item_remove(item=item, by=world.student.user)
        assert plan.items.filter(pk=item.pk).exists()

    def test_removing_an_item_deletes_its_files(
        self, world, plan, django_capture_on_commit_callbacks
    ):
        item = add(plan, world)
        upload = SimpleUploadedFile("r.pdf", PDF)
        evidence = evidence_services.evidence_add(
            item=item, by=world.student.user, title="R", file=upload
        )
        storage, name = evidence.file.storage, evidence.file.name
        with django_capture_on_commit_callbacks(execute=True):
            services.item_remove(item=item, by=world.student.user)
        assert not storage.exists(name)
