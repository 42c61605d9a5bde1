"""The demo school's 10 Expectations: every student's term reflections since they arrived
(their own, some by their advisor, some by their family, in the family's language), this
term's only partly done; a due date for each term; advisory attendance every school day of
every year (absences, lateness, excused days with a note; a few students missing many
mornings lately); work tagged with the expectations it serves; a few check-ins; then the
early warning computed, so some students are on watch and a few call to act.

Scores have a realistic spread: most 3 to 5, the school a little weaker on time and timing,
some students low on one or two expectations term after term, a few falling lately.
Deterministic, and written with bulk inserts."""

import io
import math
import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import methodcaller

from django.db import connection, models
from django.utils import timezone

from advisories.models import Membership
from bigpicture.bulk import insert_all, new, purge
from bigpicture.models import School, Term, User
from expectations.demo.texts import (
    ADVISOR,
    CHECK_INS,
    EXCUSED,
    FAMILY,
    LEANING,
    STUDENT,
    STUDENT_ES,
)
from expectations.models import (
    AttendanceMark,
    AttendanceSheet,
    CheckIn,
    Engagement,
    Expectation,
    Rating,
    Reflection,
    ReflectionWindow,
    WorkTag,
)
from expectations.services.engagement import compute_school
from expectations.ten import ensure_expectations
from internships.models import Placement
from students.models import Exhibition, GuardianLink, PlanItem, Student

Perspective, Mark = Reflection.Perspective, AttendanceMark.Status
DAY = timedelta(days=1)
BATCH = 2000  # rows per bulk_create (not PostgreSQL)
COPY_ROWS = 50_000  # rows per COPY
ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
DUE_BEFORE_END = 7  # a term's reflections are due a week before it ends
RECENT = 28  # "the last 4 weeks" of the early warning
# A rating's spread, term to term, around what a student would give (drawn from once a rating:
# far cheaper than a Gaussian each time, for the half million ratings of a large school).
NOISE = random.Random(13).choices(
    [n / 100 for n in range(-200, 201)],
    weights=[math.exp(-((n / 30) ** 2) / 2) for n in range(-200, 201)],
    k=997,
)
# The expectations each kind of work most often serves.
SERVES = {
    "goal": ["relationships", "relevance", "practice", "time", "choice"],
    "project": ["authenticity", "application", "challenge", "choice", "practice", "play"],
    "placement": ["authenticity", "application", "relationships", "relevance", "timing"],
    "exhibition": ["challenge", "authenticity", "practice", "play", "relevance"],
}


@dataclass
class Pupil:
    """What the builder knows of one student, and how school meets them."""

    pk: int
    user_id: int
    graduating_class: int
    enrolled_on: date
    email: str
    stays: list = field(default_factory=list)  # (advisory id, advisor id, start, end or None)
    guardian: tuple[int, str] | None = None  # the primary contact: (user id, language)
    level: float = 4.0  # how well school meets them on the whole
    bias: dict = field(default_factory=dict)  # expectation key -> their own lean, every term
    low: dict = field(default_factory=dict)  # expectation key -> points under their level
    falling: set = field(default_factory=set)  # expectations dropping in the latest terms
    spanish: bool = False  # writes some comments in Spanish
    absent: float = 0.035  # the share of mornings missed
    missing_lately: bool = False  # many absences in the last four weeks

    def stay_on(self, day: date) -> tuple | None:
        """The advisory (id, advisor id) the student was in on a day."""
        for advisory, advisor, start, end in self.stays:
            if start <= day and (end is None or day < end):
                return advisory, advisor
        return None


def build_expectations(*, school: School, today: date, seed: int) -> dict[str, int]:
    """Write the school's reflections, attendance, tags and check-ins; return how many rows
    of each kind. The ten expectations are seeded first if a flushed database lost them."""
    ensure_expectations()
    return _Expectations(school, today, random.Random(seed)).build()


def early_warning(*, school: School, today: date) -> dict[str, int]:
    """Compute every student's engagement status as the periodic task does (after the rows
    are written and the planner has seen them); return how many of each status."""
    return {f"engagement {status}": n for status, n in compute_school(school, today=today).items()}


class _Expectations:
    def __init__(self, school: School, today: date, rng: random.Random):
        self.school, self.today, self.rng = school, today, rng
        self.terms = list(
            Term.objects.of_school(school.pk).select_related("school_year").order_by("start_date")
        )
        self.keys = dict(Expectation.objects.order_by("number").values_list("key", "pk"))
        self.order = list(self.keys)
        self.counts: dict[str, int] = {}
        self.act_student: int | None = None
        self.demo_advisor = (
            User.objects.filter(school=school, email__startswith="advisor@")
            .values_list("pk", flat=True)
            .first()
        )
        self.demo_guardian = (
            User.objects.filter(school=school, email__startswith="guardian@")
            .values_list("pk", flat=True)
            .first()
        )

    def build(self) -> dict[str, int]:
        pupils = self._pupils()
        self._profiles(pupils)
        self._windows()
        self._reflections(pupils)
        self._attendance(pupils)
        self._tags(pupils)
        self._check_ins(pupils)
        return self.counts

    # -- who the students are -----------------------------------------------------------------

    def _pupils(self) -> list[Pupil]:
        students = Student.objects.filter(school=self.school).order_by("pk")
        pupils = {
            pk: Pupil(pk, user, graduating, enrolled, email)
            for pk, user, graduating, enrolled, email in students.values_list(
                "pk", "user_id", "graduating_class", "enrolled_on", "user__email"
            )
        }
        stays = Membership.objects.filter(advisory__school=self.school).order_by("start_date")
        for row in stays.values_list(
            "student_id", "advisory_id", "advisory__advisor_id", "start_date", "end_date"
        ):
            pupils[row[0]].stays.append(row[1:])
        links = GuardianLink.objects.filter(student__school=self.school, is_primary_contact=True)
        for student, guardian, language in links.order_by("pk").values_list(
            "student_id", "guardian_id", "guardian__language"
        ):
            pupils[student].guardian = (guardian, language)
        return [pupil for pupil in pupils.values() if pupil.stays]

    def _profiles(self, pupils: list[Pupil]) -> None:
        """Each student's level, their weak expectations, a few falling lately or missing
        many mornings; one of the demo advisor's students needs them now."""
        rng, keys = self.rng, list(self.keys)
        for pupil in pupils:
            pupil.level = min(4.8, max(2.9, rng.gauss(4.05, 0.3)))
            pupil.bias = {key: rng.gauss(0, 0.3) for key in keys}
            if rng.random() < 0.08:  # consistently low on one or two expectations
                pupil.low = {
                    key: rng.uniform(1.3, 2.0) for key in rng.sample(keys, rng.randint(1, 2))
                }
            if rng.random() < 0.05:
                pupil.falling = set(rng.sample(keys, rng.randint(2, 4)))
            pupil.spanish = pupil.guardian is not None and pupil.guardian[1] == "es"
            pupil.spanish = pupil.spanish and rng.random() < 0.3
            roll = rng.random()
            if roll < 0.04:
                pupil.absent = 0.12  # misses a morning or two most weeks
            elif roll < 0.055:
                pupil.missing_lately = True
        self._needs_a_check_in(pupils)

    def _needs_a_check_in(self, pupils: list[Pupil]) -> None:
        """One student of the demo advisor, falling on four expectations and missing many
        mornings lately, with a reflection left unwritten: the early warning says act."""
        theirs = [
            p
            for p in pupils
            if p.stays[-1][1] == self.demo_advisor and not p.email.startswith("student@")
        ]
        if not theirs:
            return
        chosen = theirs[len(theirs) // 2]
        chosen.falling = {"relevance", "choice", "time", "relationships"}
        chosen.missing_lately, chosen.low = True, {"timing": 1.6}
        self.act_student = chosen.pk

    # -- reflections ----------------------------------------------------------------------------

    def _windows(self) -> None:
        windows = [
            new(ReflectionWindow, term=term, due_on=term.end_date - DUE_BEFORE_END * DAY)
            for term in self.terms
        ]
        insert_all(ReflectionWindow, windows)
        self.due = {
            term.pk: window.due_on for term, window in zip(self.terms, windows, strict=True)
        }
        self.counts["reflection due dates"] = len(windows)

    def _reflections(self, pupils: list[Pupil]) -> None:
        reflections, ratings = [], []
        started = [term for term in self.terms if term.start_date <= self.today]
        for pupil in pupils:
            mine = [t for t in started if t.end_date >= pupil.enrolled_on]
            for back, term in enumerate(reversed(mine)):
                for reflection, scores in self._term(pupil, term, back):
                    reflections.append(reflection)
                    ratings.append(scores)
        insert_all(Reflection, reflections)
        rows = [
            (reflection.pk, *rating)
            for reflection, scores in zip(reflections, ratings, strict=True)
            for rating in scores
        ]
        write(Rating, ("reflection_id", "expectation_id", "score", "comment", "shared"), rows)
        self.counts["reflections"], self.counts["ratings"] = len(reflections), len(rows)

    def _term(self, pupil: Pupil, term: Term, back: int):
        """The reflections on one student's term: their own, their advisor's, their
        family's; this term's as far as each has got."""
        rng, due = self.rng, self.due[term.pk]
        closed = self.today > due
        day = min(term.end_date, self.today)
        stay = pupil.stay_on(day) or pupil.stay_on(pupil.stays[0][2])
        level = term.school_year.year_level(pupil.graduating_class)
        where = {"advisory_id": stay[0], "year_level": level}
        demo = pupil.email.startswith("student@")
        if closed:
            done, part = (1.0, 0.0) if demo else (0.94, 0.0)
        else:
            ran = (day - term.start_date).days / max(1, (due - term.start_date).days)
            done, part = 0.6 * ran, 0.25 if ran > 0.1 else 0.0
            if demo:
                done, part = 0.0, 1.0  # the demo student has begun this term's
        if self.act_student == pupil.pk and back == 0:
            done = part = 0.0  # this term's not begun
        roll = rng.random()
        if roll < done + part:
            count = 10 if roll < done else rng.randint(3, 7)
            yield self._one(pupil, term, pupil.user_id, Perspective.STUDENT, where, back, count)
        advisor_share = (0.9 if stay[1] == self.demo_advisor else 0.4) if closed else 0.1
        if rng.random() < advisor_share:
            yield self._one(pupil, term, stay[1], Perspective.ADVISOR, where, back, 10)
        # The demo guardian has this term's reflections still to write for their children.
        family = pupil.guardian and not (back == 0 and pupil.guardian[0] == self.demo_guardian)
        if family and rng.random() < (0.25 if closed else 0.08):
            yield self._one(pupil, term, pupil.guardian[0], Perspective.FAMILY, where, back, 10)

    def _one(self, pupil, term, author, perspective, where, back, count):
        """A reflection and its ratings (expectation id, score, comment, shared)."""
        reflection = new(
            Reflection,
            student_id=pupil.pk,
            term_id=term.pk,
            author_id=author,
            perspective=perspective,
            **where,
        )
        keys = self.order[:count]
        scores = self._scores(pupil, keys, back, perspective)
        comments = self._comments(pupil, perspective, keys, scores)
        blank = ("", False)
        return reflection, [
            (self.keys[key], score, *comments.get(key, blank))
            for key, score in zip(keys, scores, strict=True)
        ]

    def _scores(self, pupil: Pupil, keys, back: int, perspective: str) -> list[int]:
        """Scores around the student's level, the school's leaning and their weak spots;
        falling expectations drop over the latest two terms; families and advisors see it a
        little differently."""
        level, bias, low = pupil.level, pupil.bias, pupil.low
        falling = pupil.falling if back <= 1 else ()
        # Falling students drop a little last term and more this term; the demo advisor's
        # student who needs them dropped hard in both.
        fall = 2.2 if pupil.pk == self.act_student else 1.3 * (2 - back)
        if perspective != Perspective.STUDENT:
            level += 0.15
        noise, size, roll = NOISE, len(NOISE), self.rng.random
        scores = []
        for key in keys:
            value = level + LEANING[key] + bias[key] + noise[int(roll() * size)]
            if low:
                value -= low.get(key, 0.0)
            if key in falling:
                value -= fall
            scores.append(min(5, max(1, round(value))))
        return scores

    def _comments(self, pupil, perspective, keys, scores) -> dict[str, tuple[str, bool]]:
        """Comments on some ratings (more often on the low ones); a share of a student's
        shared with the school without their name."""
        rng, found = self.rng, {}
        if perspective == Perspective.STUDENT:
            for key, score in zip(keys, scores, strict=True):
                if score == 3 or rng.random() >= (0.45 if score <= 2 else 0.08):
                    continue
                words = STUDENT_ES if pupil.spanish and key in STUDENT_ES else STUDENT
                found[key] = (words[key][score <= 2], rng.random() < 0.35)
        elif rng.random() < 0.35:
            key = rng.choice(keys)
            low = sum(scores) / len(scores) < 3.5
            if perspective == Perspective.FAMILY:
                language = "es" if pupil.guardian[1] == "es" else "en"
                found[key] = (FAMILY[language][low], False)
            else:
                found[key] = (ADVISOR[low], False)
        return found

    # -- attendance -----------------------------------------------------------------------------

    def _school_days(self) -> list[date]:
        """Every weekday of every school year up to yesterday, but the winter break."""
        days = []
        for year in {term.school_year for term in self.terms}:
            day, last = year.start_date, min(year.end_date, self.today - DAY)
            while day <= last:
                winter = (day.month == 12 and day.day >= 23) or (day.month == 1 and day.day == 1)
                if day.weekday() < 5 and not winter:
                    days.append(day)
                day += DAY
        return sorted(days)

    def _attendance(self, pupils: list[Pupil]) -> None:
        """A sheet for each advisory every school day it had students; a mark for each
        student not simply present."""
        days = self._school_days()
        spans: dict[tuple[int, int], list[int]] = {}  # (advisory, advisor) -> [first, last)
        marks = []
        recent = bisect_left(days, self.today - RECENT * DAY)
        for pupil in pupils:
            for advisory, advisor, start, end in pupil.stays:
                first = bisect_left(days, start)
                last = len(days) if end is None else bisect_left(days, end)
                span = spans.setdefault((advisory, advisor), [first, last])
                span[:] = min(span[0], first), max(span[1], last)
                lately = max(first, recent) if pupil.missing_lately else last
                for a, b, absent in ((first, lately, pupil.absent), (lately, last, 0.45)):
                    marks += [
                        (advisory, days[n], pupil.pk, *self._mark(absent))
                        for n in self._marked(a, b, absent + 0.04)
                    ]
        now = timezone.now()
        sheets = [
            (advisory, days[n], advisor, now, now)
            for (advisory, advisor), (first, last) in spans.items()
            for n in range(first, last)
        ]
        write(
            AttendanceSheet, ("advisory_id", "on", "taken_by_id", "taken_at", "updated_at"), sheets
        )
        written = AttendanceSheet.objects.filter(advisory__school=self.school)
        ids = {(a, d): pk for a, d, pk in written.values_list("advisory_id", "on", "pk")}
        write(
            AttendanceMark,
            ("sheet_id", "student_id", "status", "note"),
            [(ids[advisory, day], *rest) for advisory, day, *rest in marks],
        )
        self.counts["attendance sheets"], self.counts["attendance marks"] = len(sheets), len(marks)

    def _marked(self, first: int, last: int, share: float):
        """The days (indexes from ``first`` up to ``last``) a student with this share of
        mornings not simply present was marked: the gaps between them drawn at once
        (geometric), not a draw every morning."""
        roll, per_day = self.rng.random, math.log(1 - share)
        n = first - 1
        while True:
            n += 1 + int(math.log(1.0 - roll()) / per_day)
            if n >= last:
                return
            yield n

    def _mark(self, absent: float) -> tuple[str, str]:
        """Absent, late (3 in 100 mornings) or excused with a note (1 in 100)."""
        drawn = self.rng.random() * (absent + 0.04)
        if drawn < absent:
            return Mark.ABSENT, ""
        if drawn < absent + 0.03:
            return Mark.LATE, ""
        return Mark.EXCUSED, EXCUSED[int(drawn * 10_000) % len(EXCUSED)]

    # -- tags and check-ins ---------------------------------------------------------------------

    def _tags(self, pupils: list[Pupil]) -> None:
        """A share of plan items, internships and exhibitions tagged with one to three
        expectations, by the student or their advisor."""
        by_pk = {pupil.pk: pupil for pupil in pupils}
        school = {"student__school": self.school}
        works = [
            ("item", kind, pk, student)
            for pk, student, kind in PlanItem.objects.filter(plan__student__school=self.school)
            .order_by("pk")
            .values_list("pk", "plan__student_id", "kind")
        ]
        works += [
            ("placement", "placement", pk, student)
            for pk, student in Placement.objects.filter(**school)
            .order_by("pk")
            .values_list("pk", "student_id")
        ]
        works += [
            ("exhibition", "exhibition", pk, student)
            for pk, student in Exhibition.objects.filter(**school)
            .order_by("pk")
            .values_list("pk", "student_id")
        ]
        share = {"item": 0.25, "placement": 0.6, "exhibition": 0.4}
        slots = {"item": 0, "placement": 1, "exhibition": 2}
        now, roll, tags = timezone.now(), self.rng.random, []
        for field_name, kind, pk, student in works:
            pupil = by_pk.get(student)
            if pupil is None:
                continue
            demo = pupil.email.startswith("student@")
            if roll() >= (0.8 if demo else share[field_name]):
                continue
            by = pupil.user_id if roll() < 0.7 else pupil.stays[-1][1]
            work = [None, None, None]
            work[slots[field_name]] = pk
            for key in self.rng.sample(SERVES[kind], 1 + int(roll() * (3 if demo else 2))):
                tags.append((self.keys[key], student, *work, by, now))
        columns = ("expectation_id", "student_id", "item_id", "placement_id", "exhibition_id")
        write(WorkTag, (*columns, "tagged_by_id", "created_at"), tags)
        self.counts["expectation tags"] = len(tags)

    def _check_ins(self, pupils: list[Pupil]) -> None:
        """Check-ins in the last weeks with some students who worried their advisor."""
        worried = [p for p in pupils if p.low or p.falling or p.absent > 0.1]
        check_ins, touched = [], []
        through = CheckIn.expectations.through
        for n, pupil in enumerate(worried[::4]):
            talked, follow_up = CHECK_INS[n % len(CHECK_INS)]
            check_in = new(
                CheckIn,
                student_id=pupil.pk,
                advisor_id=pupil.stays[-1][1],
                on=self.today - self.rng.randint(7, 40) * DAY,
                talked_about=talked,
                follow_up=follow_up,
            )
            check_ins.append(check_in)
            for key in list(pupil.low or pupil.falling)[:2]:
                touched.append((check_in, self.keys[key]))
        insert_all(CheckIn, check_ins)
        insert_all(
            through,
            [new(through, checkin_id=c.pk, expectation_id=key) for c, key in touched],
        )
        self.counts["check-ins"] = len(check_ins)


def write(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows given as tuples of column values, their keys left to the database: on
    PostgreSQL with one COPY a batch (no model instance made: a large school has half a
    million ratings), elsewhere with ``bulk_create``."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=BATCH
        )
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    texts = [_text_of(field) for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), COPY_ROWS):
            data = "".join(
                "\t".join([text(value) for text, value in zip(texts, row, strict=True)]) + "\n"
                for row in rows[start : start + COPY_ROWS]
            ).encode()
            if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
                cursor.copy_expert(sql, io.BytesIO(data), 1 << 20)
            else:  # psycopg 3
                with cursor.cursor.copy(sql) as copy:
                    copy.write(data)


def _text_of(field):
    """How a column's values are written in COPY's text format."""
    if isinstance(field, models.BooleanField):
        text = {True: "t", False: "f"}.__getitem__
    elif isinstance(field, models.DateTimeField):
        text = datetime.isoformat
    elif isinstance(field, models.CharField | models.TextField):
        text = methodcaller("translate", ESCAPES)
    else:  # numbers, keys and days
        text = str
    if not field.null:
        return text
    return lambda value: "\\N" if value is None else text(value)


def delete_expectations(school: School) -> None:
    """Remove a school's reflections, attendance, tags, check-ins and statuses before it is
    rebuilt (one statement a table)."""
    purge(Reflection.objects.filter(student__school=school))
    purge(AttendanceSheet.objects.filter(advisory__school=school))
    purge(WorkTag.objects.filter(student__school=school))
    purge(CheckIn.objects.filter(student__school=school))
    purge(Engagement.objects.filter(student__school=school))
