"""The demo school's learning: every student's plans term by term since they arrived, with
progress, evidence, comments and revisions; learning plan meetings, both narratives and an
exhibition each past term, gateways at the end of year two; and this term in every state an
advisor meets (no plan yet, drafts, plans waiting for review, approved plans, meetings and
exhibitions coming). Deterministic, and written with bulk inserts.

The story holds together: a plan is created, then submitted, then reviewed, all before
today; a plan waits for review as long as its submission says (the advisor's "waiting over
7 days" only for those sent more than a week ago), and the demo advisor has one of each
among this term's plans, and a student still to meet; goals are met more often by some
students than others, and more often as students grow through the school."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile

from bigpicture.bulk import insert_all, new, purge
from bigpicture.models import School, Term
from students.demo.assessment import Assessment
from students.demo.stamps import restamp
from students.demo.texts import PDF, WORK
from students.goals import ensure_learning_goals
from students.models import (
    Evidence,
    Exhibition,
    Feedback,
    LearningGoal,
    LearningPlan,
    MeetingInvite,
    Narrative,
    Panelist,
    PlanComment,
    PlanItem,
    PlanMeeting,
    PlanRevision,
    ProgressUpdate,
    Student,
)

BATCH = 2000
Status, Progress = LearningPlan.Status, PlanItem.Progress
WAITED = [1, 2, 3, 5, 6, 9, 12, 16]  # days a plan has waited for review (not 7: no edge)
# How much more often goals are met by year level: students grow through the school.
GROWTH = {101: -0.12, 201: -0.04, 301: 0.03, 401: 0.08}


@dataclass
class Family:
    student: Student
    advisor_id: int
    guardian_ids: list[int]


def build_learning(
    *, school: School, families: list[Family], mentor_ids: list[int], today: date, seed: int
) -> dict[str, int]:
    """Write the learning history of every student; return how many rows of each kind."""
    return _Learning(school, families, mentor_ids, today, random.Random(seed)).build()


class _Learning(Assessment):
    def __init__(self, school, families, mentor_ids, today, rng):
        self.school, self.families, self.mentor_ids = school, families, mentor_ids
        self.today, self.rng = today, rng
        self.terms = list(
            Term.objects.of_school(school.pk).select_related("school_year").order_by("start_date")
        )
        # The term the pages call current: the one running today or, between terms and in the
        # summer break, the next one, whose plans are already being shaped.
        current = Term.objects.current_for(school, today=today)
        self.last_start = max(today, current.start_date) if current else today
        ensure_learning_goals()
        self.goals = {goal.code: goal for goal in LearningGoal.objects.all()}
        self.rows: dict[str, list] = {}
        self.item_goals: list[tuple[PlanItem, list[str]]] = []
        self.plan_rows: list[tuple[LearningPlan, list[PlanItem]]] = []
        self.now = self.at(today, 0)  # the story's now: nothing is stamped later
        self.created: dict[int, object] = {}  # id(plan) -> when it was created
        self.comment_times: list[tuple[PlanComment, datetime]] = []
        # The demo advisor (the demo student's): this term they have a plan waiting over a
        # week, one sent days ago and a student with no meeting yet, whatever the draw.
        self.demo_advisor = next(
            (f.advisor_id for f in families if f.student.user.email.startswith("student@")),
            None,
        )
        self.promised = ["long wait", "short wait", "no meeting"]
        self.met_rate: dict[int, float] = {}  # student pk -> how often they meet their goals

    def add(self, kind: str, row):
        self.rows.setdefault(kind, []).append(row)
        return row

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.school.zone)

    # -- building -----------------------------------------------------------------------------

    def before_now(self, moment: datetime, fallback: datetime) -> datetime:
        """``moment``, or ``fallback`` if it has not come yet."""
        return moment if moment < self.now else fallback

    def build(self) -> dict[str, int]:
        for family in self.families:
            self.met_rate[family.student.pk] = self.rng.uniform(0.45, 0.92)
            promise = None
            demo = family.student.user.email.startswith("student@")
            if family.advisor_id == self.demo_advisor and not demo and self.promised:
                promise = self.promised.pop(0)
            for position, term in enumerate(self._terms_of(family.student)):
                self._term(family, term, position, promise)
        return self._save()

    def _terms_of(self, student: Student) -> list[Term]:
        return [
            term
            for term in self.terms
            if term.end_date >= student.enrolled_on and term.start_date <= self.last_start
        ]

    def _term(self, family: Family, term: Term, position: int, promise: str | None) -> None:
        current = term.end_date >= self.today
        state = self._state(family.student) if current else Status.APPROVED
        waited = self.rng.choice(WAITED)
        if current and promise in ("long wait", "short wait"):
            state, waited = Status.SUBMITTED, 12 if promise == "long wait" else 2
        if state is not None:
            self._plan(family, term, state, current, waited)
        if not (current and promise == "no meeting"):
            self._meeting(family, term, current)
        if not current:
            self._narratives(family, term)
        if not current or self.rng.random() < 0.5:
            gateway = Exhibition.Gateway.YEAR_TWO if position == 7 else Exhibition.Gateway.NONE
            self._exhibition(family, term, current, gateway)

    def _state(self, student: Student) -> str | None:
        """This term's plan: none yet, a draft, waiting for review, sent back or approved."""
        if student.user.email.startswith("student@"):
            return Status.DRAFT  # the demo student is shaping this term's plan
        roll = self.rng.random()
        for state, share in (
            (None, 0.12),
            (Status.DRAFT, 0.2),
            (Status.SUBMITTED, 0.2),
            (Status.CHANGES_REQUESTED, 0.1),
        ):
            if roll < share:
                return state
            roll -= share
        return Status.APPROVED

    def _plan(self, family: Family, term: Term, state: str, current: bool, waited: int) -> None:
        student = family.student
        plan = new(
            LearningPlan,
            student=student,
            term=term,
            status=state,
            interests=student.interests,
            life_goals=self.rng.choice(
                ["Nurse", "Engineer", "Run my own business", "Teacher", "Musician"]
            ),
            learning_style=student.learning_style,
            needs=self.rng.choice(["Quiet space to write", "Check-ins twice a week", ""]),
        )
        # Reviewed plans were reviewed by yesterday, even on a term's first days; a plan
        # waiting for review was sent ``waited`` days ago.
        reviewable = min(term.start_date, self.today - timedelta(days=15))
        submitted = self.at(reviewable + timedelta(days=12), 16)
        if state == Status.SUBMITTED:
            submitted = self.at(self.today - timedelta(days=waited), 16)
        if state in (Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED):
            plan.submitted_at = submitted
            created = submitted - timedelta(days=self.rng.randint(4, 12), hours=2)
        else:  # a draft begun in the past weeks
            created = self.at(self.today - timedelta(days=self.rng.randint(1, 20)), 15)
        if state in (Status.CHANGES_REQUESTED, Status.APPROVED):
            plan.reviewed_at = submitted + timedelta(days=2)
            plan.reviewed_by_id = family.advisor_id
        self.created[id(plan)] = created
        self.add("plans", plan)
        picks = self.rng.sample(WORK, 3 if current else 4)
        level = term.school_year.year_level(student.graduating_class) or 101
        met = min(0.97, self.met_rate[student.pk] + GROWTH[level])
        items = [self._item(plan, n, work, current, met) for n, work in enumerate(picks)]
        self.plan_rows.append((plan, items))
        if state == Status.CHANGES_REQUESTED:
            comment = self.add(
                "comments",
                new(
                    PlanComment,
                    plan=plan,
                    author_id=family.advisor_id,
                    body="Add a date to each goal, and say what you will show for the project.",
                ),
            )
            self.comment_times.append((comment, plan.reviewed_at))
        elif self.rng.random() < 0.3 and family.guardian_ids:
            comment = self.add(
                "comments",
                new(
                    PlanComment,
                    plan=plan,
                    author_id=family.guardian_ids[0],
                    body="We can help with the interviews: your uncle works at the hospital.",
                ),
            )
            read = created + timedelta(days=1, hours=4)  # the evening after it was begun
            self.comment_times.append((comment, self.before_now(read, created)))

    def _item(self, plan: LearningPlan, position: int, work, current: bool, met: float):
        """A goal or project: met (at the student's own rate, higher in later years) or
        carried over in a past term; this term's under way as far as the term has run."""
        kind, title, codes, what, how, resources, evidence = work
        term = plan.term
        if current:
            ran = (self.today - term.start_date).days / max(
                1, (term.end_date - term.start_date).days
            )
            roll = self.rng.random()
            if ran <= 0:  # the term has not begun
                progress = Progress.NOT_STARTED
            elif roll < met * ran * 0.6:
                progress = Progress.MET
            elif roll < 0.3 + 0.6 * ran:
                progress = Progress.IN_PROGRESS
            else:
                progress = Progress.NOT_STARTED
        else:
            progress = Progress.MET if self.rng.random() < met else Progress.CARRIED_OVER
        item = self.add(
            "items",
            new(
                PlanItem,
                plan=plan,
                kind=kind,
                title=title,
                is_personal=not codes,
                what=what,
                how=how,
                resources=resources,
                due_on=plan.term.end_date - timedelta(days=7),
                evidence_planned=evidence,
                progress=progress,
                position=position,
            ),
        )
        self.item_goals.append((item, codes))
        if progress != Progress.NOT_STARTED:
            on = min(self.today, plan.term.start_date + timedelta(days=30 + position * 5))
            if current:  # on a day of the term so far
                on = term.start_date + timedelta(
                    days=self.rng.randint(0, max(0, (self.today - term.start_date).days - 1))
                )
            self.add(
                "updates",
                new(
                    ProgressUpdate,
                    item=item,
                    progress=progress,
                    on=on,
                    by_id=plan.student.user_id,
                    note="Halfway there" if progress == Progress.IN_PROGRESS else "",
                ),
            )
        if kind == "project" and progress != Progress.NOT_STARTED:
            self.add(
                "evidence",
                new(
                    Evidence,
                    item=item,
                    title="Project journal",
                    url="https://journal.example.org/projects",
                    added_by_id=plan.student.user_id,
                ),
            )
        return item

    # -- saving -------------------------------------------------------------------------------

    def _save(self) -> dict[str, int]:
        """Insert every kind of row, parents before children."""
        order = [
            ("plans", LearningPlan),
            ("items", PlanItem),
            ("updates", ProgressUpdate),
            ("evidence", Evidence),
            ("comments", PlanComment),
            ("meetings", PlanMeeting),
            ("invites", MeetingInvite),
            ("narratives", Narrative),
            ("exhibitions", Exhibition),
            ("panelists", Panelist),
            ("feedback", Feedback),
        ]
        counts = {}
        for kind, model in order:
            rows = self.rows.get(kind, [])
            # Children name their parent objects, saved just before: they take the new keys.
            insert_all(model, rows)
            counts[kind] = len(rows)
        self._goals_and_revisions()
        # When each happened in the story (the insert stamped them with the moment it ran).
        plans = [plan for plan, _items in self.plan_rows]
        restamp(LearningPlan, "created_at", [(p.pk, self.created[id(p)]) for p in plans])
        restamp(PlanComment, "created_at", [(c.pk, at) for c, at in self.comment_times])
        restamp(
            ProgressUpdate,
            "created_at",
            [
                (u.pk, self.before_now(self.at(u.on, 17), self.at(u.on, 0)))
                for u in self.rows.get("updates", [])
            ],
        )
        self._demo_file()
        return counts

    def _goals_and_revisions(self) -> None:
        through = PlanItem.learning_goals.through
        insert_all(
            through,
            [
                new(through, planitem_id=item.pk, learninggoal_id=self.goals[code].pk)
                for item, codes in self.item_goals
                for code in codes
            ],
        )
        goal_codes = {item.pk: codes for item, codes in self.item_goals}
        revisions = []
        for plan, items in self.plan_rows:
            snapshot = {
                "status": plan.status,
                "version": 1,
                "interests": plan.interests,
                "life_goals": plan.life_goals,
                "learning_style": plan.learning_style,
                "needs": plan.needs,
                "items": [
                    {
                        "kind": item.kind,
                        "title": item.title,
                        "learning_goals": goal_codes[item.pk],
                        "is_personal": item.is_personal,
                        "what": item.what,
                        "how": item.how,
                        "resources": item.resources,
                        "due_on": item.due_on.isoformat(),
                        "evidence_planned": item.evidence_planned,
                        "progress": item.progress,
                    }
                    for item in items
                ],
                "changed": [],
            }
            student = plan.student.user_id
            steps = [(PlanRevision.Action.CREATED, student, self.created[id(plan)])]
            if plan.submitted_at:
                steps.append((PlanRevision.Action.SUBMITTED, student, plan.submitted_at))
            if plan.status == Status.APPROVED:
                steps.append((PlanRevision.Action.APPROVED, plan.reviewed_by_id, plan.reviewed_at))
            elif plan.status == Status.CHANGES_REQUESTED:
                action = PlanRevision.Action.CHANGES_REQUESTED
                steps.append((action, plan.reviewed_by_id, plan.reviewed_at))
            revisions += [
                (
                    new(
                        PlanRevision,
                        plan=plan,
                        version=1,
                        action=action,
                        by_id=by,
                        snapshot=snapshot,
                    ),
                    at,
                )
                for action, by, at in steps
            ]
        insert_all(PlanRevision, [revision for revision, _at in revisions])
        restamp(PlanRevision, "at", [(revision.pk, at) for revision, at in revisions])

    def _demo_file(self) -> None:
        """One real file among the demo student's evidence, to open from the plan page."""
        item = (
            PlanItem.objects.filter(
                plan__student__user__email__startswith="student@", kind="project"
            )
            .order_by("-plan__term__start_date")
            .first()
        )
        if item is None:
            return
        evidence = Evidence(
            item=item,
            title="Project summary (PDF)",
            filename="project-summary.pdf",
            content_type="application/pdf",
            size=len(PDF),
            added_by_id=item.plan.student.user_id,
        )
        evidence.file.save("project-summary.pdf", ContentFile(PDF), save=True)


def delete_learning(school: School) -> None:
    """Remove a school's learning records (and evidence files) before it is rebuilt."""
    evidence = Evidence.objects.filter(item__plan__student__school=school).exclude(file="")
    for row in evidence:
        row.file.delete(save=False)
    purge(Exhibition.objects.filter(student__school=school))
    purge(Narrative.objects.filter(student__school=school))
    purge(PlanMeeting.objects.filter(student__school=school))
    purge(LearningPlan.objects.filter(student__school=school))
