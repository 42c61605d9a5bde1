"""The demo school's learning: every student's plans term by term since they arrived, with
progress, evidence, comments and revisions; learning plan meetings, both narratives and an
exhibition each past term, gateways at the end of year two; and this term in every state an
advisor meets (no plan yet, drafts, plans waiting for review, approved plans, meetings and
exhibitions coming). Deterministic, and written with bulk inserts."""

import io
import json
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, models
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.deletion import get_candidate_relations_to_delete
from django.db.models.fields import NOT_PROVIDED

from bigpicture.models import School, Term
from students.goals import FIVE_GOALS, PERSONAL, ensure_learning_goals
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

# (kind, title, learning goal codes, what, how, resources, evidence to show)
WORK = [
    (
        "goal",
        "Interview three professionals in my field",
        ["communication", "social"],
        "Set up and run informational interviews",
        "Email, phone, visits after school",
        "My advisor's contacts, LinkedIn",
        "Interview notes and a reflection",
    ),
    (
        "goal",
        "Read two books about my interest",
        ["communication"],
        "Read and respond in my journal",
        "Twenty pages a day",
        "School library",
        "Journal entries and a book talk",
    ),
    (
        "project",
        "Design a water filter for the community garden",
        ["empirical", "quantitative"],
        "Build and test a prototype",
        "Test water before and after, record results",
        "Science lab, the garden coordinator",
        "Test data, photos and the prototype",
    ),
    (
        "project",
        "Budget for my first apartment",
        ["quantitative", "personal"],
        "Research rents, wages and costs",
        "Spreadsheet with three scenarios",
        "Rental listings, my mentor",
        "The spreadsheet and a presentation",
    ),
    (
        "goal",
        "Speak up in every advisory meeting",
        ["personal", "communication"],
        "Share one idea each time",
        "Prepare a note before the meeting",
        "My advisor",
        "Advisor's observations",
    ),
    (
        "project",
        "Oral history of my neighborhood",
        ["social", "communication"],
        "Record five elders' stories",
        "Audio interviews, edited into a podcast",
        "Public library, recording kit",
        "The podcast episode",
    ),
    (
        "project",
        "Measure the school's energy use",
        ["empirical", "quantitative", "social"],
        "Log meter readings for six weeks",
        "Graph the data and propose changes",
        "Facilities manager",
        "Charts and a proposal to the principal",
    ),
    (
        "goal",
        "Learn to cook five family recipes",
        [],
        "Cook with my grandmother",
        "Once a week on Sundays",
        "Family",
        "Photos and a recipe booklet",
    ),
]
NOTES = [
    "Reviewed last term's exhibition feedback and set this term's goals together.",
    "Family shared how the student works at home; we agreed on a weekly check-in.",
    "Talked about the internship and how the project connects to it.",
]
DECISIONS = [
    "Focus on quantitative reasoning; the mentor will help with the data.",
    "Add a reading goal; the family will visit the library together.",
    "Present the project at the next exhibition.",
]
NARRATIVE_LINES = {
    "empirical": "Designed a fair test and changed the plan when the first results surprised us.",
    "quantitative": "Used a spreadsheet to compare options and explained the numbers clearly.",
    "communication": "Spoke with more confidence and wrote a clear reflection each week.",
    "social": "Listened to people with other views and brought their voices into the work.",
    "personal": "Kept going when the work got hard and asked for help early.",
    PERSONAL: "Kept the personal goal going all term.",
}
OUTSIDE = ["Dr. Elena Park", "Marcus Webb", "Jo Ann Rivera", "Sam Ortiz"]
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


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


class _Learning:
    def __init__(self, school, families, mentor_ids, today, rng):
        self.school, self.families, self.mentor_ids = school, families, mentor_ids
        self.today, self.rng = today, rng
        self.terms = list(Term.objects.of_school(school.pk).order_by("start_date"))
        # The term the pages call current: the one running today or, between terms and in the
        # summer break, the next one, whose plans are already being shaped.
        current = Term.objects.current_for(school, today=today)
        self.last_start = max(today, current.start_date) if current else today
        ensure_learning_goals()
        self.goals = {goal.code: goal for goal in LearningGoal.objects.all()}
        self.rows: dict[str, list] = {}
        self.item_goals: list[tuple[PlanItem, list[str]]] = []
        self.plan_rows: list[tuple[LearningPlan, list[PlanItem]]] = []

    def add(self, kind: str, row):
        self.rows.setdefault(kind, []).append(row)
        return row

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.school.zone)

    # -- building -----------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        for family in self.families:
            for position, term in enumerate(self._terms_of(family.student)):
                self._term(family, term, position)
        return self._save()

    def _terms_of(self, student: Student) -> list[Term]:
        return [
            term
            for term in self.terms
            if term.end_date >= student.enrolled_on and term.start_date <= self.last_start
        ]

    def _term(self, family: Family, term: Term, position: int) -> None:
        current = term.end_date >= self.today
        state = self._state(family.student) if current else Status.APPROVED
        if state is not None:
            self._plan(family, term, state, current)
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

    def _plan(self, family: Family, term: Term, state: str, current: bool) -> None:
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
        # Reviewed plans were reviewed by yesterday, even on a term's first days.
        reviewable = min(term.start_date, self.today - timedelta(days=15))
        submitted = self.at(reviewable + timedelta(days=12), 16)
        if state == Status.SUBMITTED:
            days = self.rng.choice([2, 10])  # some have waited past a week
            submitted = self.at(self.today - timedelta(days=days), 16)
        if state in (Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED):
            plan.submitted_at = submitted
        if state in (Status.CHANGES_REQUESTED, Status.APPROVED):
            plan.reviewed_at = submitted + timedelta(days=2)
            plan.reviewed_by_id = family.advisor_id
        self.add("plans", plan)
        picks = self.rng.sample(WORK, 3 if current else 4)
        items = [self._item(plan, n, work, current) for n, work in enumerate(picks)]
        self.plan_rows.append((plan, items))
        if state == Status.CHANGES_REQUESTED:
            self.add(
                "comments",
                new(
                    PlanComment,
                    plan=plan,
                    author_id=family.advisor_id,
                    body="Add a date to each goal, and say what you will show for the project.",
                ),
            )
        elif self.rng.random() < 0.3 and family.guardian_ids:
            self.add(
                "comments",
                new(
                    PlanComment,
                    plan=plan,
                    author_id=family.guardian_ids[0],
                    body="We can help with the interviews: your uncle works at the hospital.",
                ),
            )

    def _item(self, plan: LearningPlan, position: int, work, current: bool) -> PlanItem:
        kind, title, codes, what, how, resources, evidence = work
        if current:
            progress = self.rng.choice([Progress.NOT_STARTED, Progress.IN_PROGRESS])
        else:
            progress = Progress.MET if self.rng.random() < 0.8 else Progress.CARRIED_OVER
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

    def _meeting(self, family: Family, term: Term, current: bool) -> None:
        if current:
            roll = self.rng.random()
            if roll < 0.25:
                return  # not scheduled yet: the advisor's home flags it
            day = self.today + timedelta(days=self.rng.randint(2, 20))
            if roll > 0.85 or day > term.end_date:
                day = max(term.start_date, self.today - timedelta(days=5))
            held = day < self.today
        else:
            day, held = term.start_date + timedelta(days=10), True
        meeting = self.add(
            "meetings",
            new(
                PlanMeeting,
                student=family.student,
                term=term,
                advisor_id=family.advisor_id,
                starts_at=self.at(day, 15, 30),
                place="Advisory room",
                agenda="Review last term and set this term's goals",
                status=PlanMeeting.Status.HELD if held else PlanMeeting.Status.SCHEDULED,
                notes=self.rng.choice(NOTES) if held else "",
                decisions=self.rng.choice(DECISIONS) if held else "",
            ),
        )
        answered = self.at(day - timedelta(days=3), 19) if held else None
        people = [(family.student.user_id, MeetingInvite.Role.STUDENT)]
        people += [(gid, MeetingInvite.Role.GUARDIAN) for gid in family.guardian_ids]
        for person, role in people:
            response = MeetingInvite.Response.ACCEPTED if held else MeetingInvite.Response.PENDING
            self.add(
                "invites",
                new(
                    MeetingInvite,
                    meeting=meeting,
                    person_id=person,
                    role=role,
                    response=response,
                    responded_at=answered,
                ),
            )
        self.add(
            "invites",
            new(
                MeetingInvite,
                meeting=meeting,
                person_id=family.advisor_id,
                role=MeetingInvite.Role.ADVISOR,
                response=MeetingInvite.Response.ACCEPTED,
                responded_at=meeting.starts_at - timedelta(days=5),
            ),
        )

    def _narratives(self, family: Family, term: Term) -> None:
        codes = self.rng.sample(list(FIVE_GOALS), 3)
        sections = {code: NARRATIVE_LINES[code] for code in codes}
        written = self.at(term.end_date - timedelta(days=2), 17)
        published = min(written + timedelta(days=5), self.at(self.today, 0))  # never ahead
        self.add(
            "narratives",
            new(
                Narrative,
                student=family.student,
                term=term,
                kind=Narrative.Kind.STUDENT,
                author_id=family.student.user_id,
                sections={**sections, PERSONAL: NARRATIVE_LINES[PERSONAL]},
            ),
        )
        self.add(
            "narratives",
            new(
                Narrative,
                student=family.student,
                term=term,
                kind=Narrative.Kind.ADVISOR,
                author_id=family.advisor_id,
                sections=sections,
                published_at=published,
            ),
        )

    def _exhibition(self, family: Family, term: Term, current: bool, gateway: str) -> None:
        day = term.end_date - timedelta(days=6)
        if current and day <= self.today:
            day = self.today + timedelta(days=3)
        held = not current
        outcome = ""
        if gateway:
            outcome = (
                Exhibition.Outcome.PASSED
                if self.rng.random() < 0.85
                else Exhibition.Outcome.NOT_YET
            )
        exhibition = self.add(
            "exhibitions",
            new(
                Exhibition,
                student=family.student,
                term=term,
                title=self.rng.choice(WORK)[1],
                starts_at=self.at(day, 10),
                room=self.rng.choice(["Commons", "Library", "Room 104"]),
                status=Exhibition.Status.HELD if held else Exhibition.Status.SCHEDULED,
                gateway=gateway,
                outcome=outcome,
                summary="Clear presentation; strong evidence; next: deeper data analysis."
                if held
                else "",
                created_by_id=family.advisor_id,
            ),
        )
        advisor = self.add(
            "panelists",
            new(Panelist, exhibition=exhibition, person_id=family.advisor_id, role="advisor"),
        )
        for guardian_id in family.guardian_ids[:1]:
            self.add(
                "panelists",
                new(Panelist, exhibition=exhibition, person_id=guardian_id, role="guardian"),
            )
        if self.mentor_ids and self.rng.random() < 0.4:
            self.add(
                "panelists",
                new(
                    Panelist,
                    exhibition=exhibition,
                    person_id=self.rng.choice(self.mentor_ids),
                    role="mentor",
                ),
            )
        self.add(
            "panelists",
            new(Panelist, exhibition=exhibition, name=self.rng.choice(OUTSIDE), role="outside"),
        )
        if held:
            ratings = {
                code: self.rng.randint(2, 4) for code in self.rng.sample(list(FIVE_GOALS), 3)
            }
            self.add(
                "feedback",
                new(
                    Feedback,
                    exhibition=exhibition,
                    panelist=advisor,
                    ratings=ratings,
                    strengths="Confident, well organized, real evidence.",
                    suggestions="Show more of the data behind the conclusions.",
                    recorded_by_id=family.advisor_id,
                ),
            )

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
            steps = [(PlanRevision.Action.CREATED, student)]
            if plan.submitted_at:
                steps.append((PlanRevision.Action.SUBMITTED, student))
            if plan.status == Status.APPROVED:
                steps.append((PlanRevision.Action.APPROVED, plan.reviewed_by_id))
            elif plan.status == Status.CHANGES_REQUESTED:
                steps.append((PlanRevision.Action.CHANGES_REQUESTED, plan.reviewed_by_id))
            revisions += [
                new(PlanRevision, plan=plan, version=1, action=action, by_id=by, snapshot=snapshot)
                for action, by in steps
            ]
        insert_all(PlanRevision, revisions)

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


# -- making and inserting rows ---------------------------------------------------------------

COPY_ROWS = 20_000  # rows sent to PostgreSQL in one COPY
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_PLAIN, _PARENT, _JSON, _PRE_SAVE = range(4)
_MAKERS: dict[type, tuple] = {}


def new(model, **values):
    """A new, unsaved instance, the same as ``model(**values)`` (defaults filled in, a parent
    given as an object remembered with its key), made without the generic constructor's
    signals and per-field lookups: the demo makes well over a million of them."""
    maker = _MAKERS.get(model)
    if maker is None:
        maker = _MAKERS[model] = _maker(model)
    if not maker:  # a model that does more on construction: its own constructor
        return model(**values)
    constants, factories, parents, attnames = maker
    row = model.__new__(model)
    fields = row.__dict__
    fields.update(constants)
    for attname, factory in factories:
        fields[attname] = factory()
    state = row._state = ModelState()
    cache = state.fields_cache = {}
    for name, value in values.items():
        attname = parents.get(name)
        if attname is not None:
            fields[attname] = None if value is None else value.pk
            cache[name] = value
        elif name in attnames:
            fields[attnames[name]] = value
        else:
            raise TypeError(f"{model.__name__} has no field {name!r}.")
    return row


def _maker(model) -> tuple:
    """Per model: the default values, the defaults to call for each row (``dict`` for a
    JSON field), the parents' fields and the columns by field name; nothing for a model with
    a constructor of its own or receivers of the construction signals."""
    if (
        model.__init__ is not models.Model.__init__
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
    ):
        return ()
    constants, factories, parents, attnames = {}, [], {}, {}
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            factories.append((field.attname, field.default))
        else:
            constants[field.attname] = field.get_default()
        attnames[field.name] = attnames[field.attname] = field.attname
        if field.is_relation:
            parents[field.name] = field.attname
    return constants, factories, parents, attnames


def insert_all(model, rows) -> list:
    """Insert new model instances as ``bulk_create`` does (each row's primary key set, its
    parents' keys taken from the parent objects saved before it, ``auto_now`` times filled
    in) and return them. On PostgreSQL, with ``COPY`` and keys taken from the table's
    sequence beforehand: the demo's rows are valid by construction, and preparing a million
    rows value by value through the ORM costs far more than writing them. Elsewhere (SQLite,
    the tests' database), ``bulk_create`` in batches."""
    rows = list(rows)
    if not rows:
        return rows
    if connection.vendor != "postgresql" or not _copyable(model):
        return model.objects.bulk_create(rows, batch_size=BATCH)
    key = model._meta.pk.attname
    new_rows = [row for row in rows if row.__dict__.get(key) is None]
    for row, value in zip(new_rows, _reserve_keys(model, len(new_rows)), strict=True):
        row.__dict__[key] = value
    plan = _copy_plan(model, rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), COPY_ROWS):
            data = _copy_data(rows[start : start + COPY_ROWS], plan).encode()
            if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
                cursor.copy_expert(sql, io.BytesIO(data), 1 << 20)
            else:  # psycopg 3
                with cursor.cursor.copy(sql) as copy:
                    copy.write(data)
    alias = connection.alias
    for row in rows:
        row._state.adding, row._state.db = False, alias
    return rows


def _copyable(model) -> bool:
    """Plain tables only: one table per model, a sequence for the key, every value from
    Python (no database defaults, no generated columns)."""
    opts = model._meta
    return (
        not opts.parents
        and isinstance(opts.pk, models.AutoField)
        and all(
            not getattr(field, "generated", False)
            and getattr(field, "db_default", NOT_PROVIDED) is NOT_PROVIDED
            for field in opts.concrete_fields
        )
    )


def _reserve_keys(model, count: int) -> list[int]:
    """``count`` new keys from the table's own sequence, ascending (rows keep their order)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(key ORDER BY key) FROM (SELECT nextval(pg_get_serial_sequence(%s, "
            "%s)) AS key FROM generate_series(1, %s)) AS keys",
            [quote(model._meta.db_table), model._meta.pk.column, count],
        )
        return cursor.fetchone()[0]


def _copy_plan(model, rows) -> list[tuple]:
    """How to write each column; ``auto_now`` times are filled in here, one instant for the
    whole insert."""
    plan = []
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            now = field.pre_save(rows[0], True)
            for row in rows:
                row.__dict__[field.attname] = now
        if field.is_relation:
            kind = _PARENT
        elif isinstance(field, models.JSONField):
            kind = _JSON
        elif type(field).pre_save is not models.Field.pre_save and not isinstance(
            field, models.DateField
        ):
            kind = _PRE_SAVE  # files: what the field itself does on a save
        else:
            kind = _PLAIN
        # With the texts already written: most values repeat (titles, states, dates).
        plan.append((kind, field, {None: "\\N"}))
    return plan


def _copy_data(rows, plan) -> str:
    """The rows in COPY's text format, written column by column."""
    values_of = [row.__dict__ for row in rows]
    columns = []
    for kind, field, written in plan:
        attname = field.attname
        if kind == _PRE_SAVE:
            values = [field.pre_save(row, True) for row in rows]
        else:
            values = [fields[attname] for fields in values_of]
        if kind == _PARENT:
            for n in [n for n, value in enumerate(values) if value is None]:
                parent = rows[n]._state.fields_cache.get(field.name)
                if parent is not None:  # saved just before: its key is known now
                    if parent.pk is None:
                        raise ValueError(f"{field} names an unsaved {type(parent).__name__}.")
                    values[n] = values_of[n][attname] = parent.pk
        if kind == _JSON:
            texts = {}  # rows may share one value (a plan's snapshot in each of its revisions)
            for value in values:
                if id(value) not in texts:
                    texts[id(value)] = (
                        "\\N"
                        if value is None
                        else json.dumps(value, cls=field.encoder).translate(_COPY_ESCAPES)
                    )
            columns.append([texts[id(value)] for value in values])
            continue
        try:
            columns.append(
                [
                    text
                    if (text := written.get(value)) is not None
                    else _remember(written, value, field)
                    for value in values
                ]
            )
        except TypeError:  # values that cannot be remembered (unhashable)
            columns.append(
                [_copy_text(value, field) if value is not None else "\\N" for value in values]
            )
    return "".join(["\t".join(line) + "\n" for line in zip(*columns, strict=True)])


def _remember(written: dict, value, field) -> str:
    text = written[value] = _copy_text(value, field)
    return text


def _copy_text(value, field) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime and value.tzinfo is not None:
        return value.isoformat()
    if kind in (date, time, Decimal, uuid.UUID):
        return str(value)
    if kind is float:
        return repr(value)
    if isinstance(value, str):  # choices are strings too
        return str.translate(value, _COPY_ESCAPES)
    if isinstance(value, int):
        return str(int(value))
    prepared = field.get_db_prep_save(value, connection) if field is not None else value
    if prepared is value:
        raise TypeError(f"{field}: cannot write {value!r} with COPY.")
    return "\\N" if prepared is None else _copy_text(prepared, None)


def purge(queryset) -> int:
    """Delete the rows and everything that cascades from them, as ``queryset.delete()`` does,
    but with one statement per related table, which picks its rows with a subquery, instead
    of loading the key of every row to delete first (a rebuilt demo school clears over a
    million). Where Django has more to do than cascade and clear (receivers of the delete
    signals, generic relations, protected or restricted rows that exist, cascades that loop),
    the rows go through ``queryset.delete()`` itself. Returns how many rows were deleted."""
    return _purge(queryset, ())


def _purge(queryset, path: tuple) -> int:
    model = queryset.model
    opts = model._meta
    if (
        model in path
        or opts.private_fields
        or signals.pre_delete.has_listeners(model)
        or signals.post_delete.has_listeners(model)
    ):
        return queryset.delete()[0]
    cascades, clears = [], []
    for relation in get_candidate_relations_to_delete(opts):
        field = relation.field
        on_delete = field.remote_field.on_delete
        if on_delete is models.DO_NOTHING:
            continue
        related = relation.related_model._base_manager.filter(**{f"{field.name}__in": queryset})
        if on_delete is models.CASCADE:
            cascades.append(related)
        elif on_delete is models.SET_NULL:
            clears.append((related, field.name))
        elif related.exists():  # protected, restricted, set to a default: Django's own rules
            return queryset.delete()[0]
    deleted = 0
    for related in cascades:
        deleted += _purge(related, (*path, model))
    for related, name in clears:
        related.update(**{name: None})
    return deleted + queryset._raw_delete(queryset.db)
