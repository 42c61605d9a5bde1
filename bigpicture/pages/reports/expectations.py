"""The 10 Expectations and early warning report: the students' own ratings by advisory and
expectation (a heat map) and by term (small multiples), the students by early-warning status,
and advisory attendance.

Ratings follow the expectations app's privacy rule: a number drawn from fewer than five
students is shown only to the advisor of the advisory it comes from, never to an admin; and
no drill-down ever says who gave which score, only who reflected."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisories.models import Advisory
from bigpicture.models import Term
from bigpicture.pages.reports import charts
from bigpicture.pages.reports.scope import Scope
from bigpicture.pages.reports.tables import (
    PARAMETER,
    Cell,
    Column,
    Report,
    Section,
    Table,
    link,
    number,
    share,
)
from expectations import report as data
from expectations.models import AttendanceMark, Engagement, Reflection
from expectations.selectors.catalog import wordings
from expectations.selectors.insight import MIN_GROUP, average
from students.models import Student

DASH = "\u2013"


@dataclass
class Reflections:
    """What the reflection sections read once: the expectations the school asks about now,
    the year's terms, the report's advisories, and the counts by term and advisory."""

    words: list
    terms: list[Term]
    advisories: list[Advisory]
    counts: dict
    respondents: dict
    own: set[int]  # the advisories the viewer advises: their small numbers are theirs to see

    def shown(self, advisory_ids) -> bool:
        """Whether the viewer may see a number from fewer than five students of these
        advisories (only their advisor may)."""
        return set(advisory_ids) <= self.own

    def term_counts(self, term: Term, advisory_ids) -> dict[int, list[int]]:
        """Per expectation, the distribution of a term's scores over some advisories."""
        found: dict[int, list[int]] = {}
        for advisory_id in advisory_ids:
            for expectation_id, counts in self.counts.get((term.pk, advisory_id), {}).items():
                found[expectation_id] = data.added(found.get(expectation_id), counts)
        return found

    def terms_counts(self, advisory_ids) -> dict[int, dict[int, list[int]]]:
        """Per term and expectation, the distribution of scores over some advisories (one pass
        over the counts, not one per term)."""
        wanted = set(advisory_ids)
        found: dict[int, dict[int, list[int]]] = {term.pk: {} for term in self.terms}
        for (term_id, advisory_id), by_expectation in self.counts.items():
            if advisory_id not in wanted or term_id not in found:
                continue
            into = found[term_id]
            for expectation_id, counts in by_expectation.items():
                into[expectation_id] = data.added(into.get(expectation_id), counts)
        return found

    def students(self, term: Term, advisory_ids) -> int:
        return sum(self.respondents.get((term.pk, pk), 0) for pk in advisory_ids)

    @property
    def latest(self) -> Term | None:
        """The year's latest term with reflections in the report."""
        with_answers = {term_id for term_id, _advisory in self.respondents}
        return next((term for term in reversed(self.terms) if term.pk in with_answers), None)


class ExpectationsReport(Report):
    slug = "expectations"
    title = gettext_lazy("The 10 Expectations and early warning")
    summary = gettext_lazy(
        "Reflections by advisory and expectation, the trend by term, students "
        "by early-warning status, attendance by advisory."
    )

    def sections(self, scope: Scope) -> list[Section]:
        advisories = list(scope.advisories)
        found = self.reflections(scope, advisories)
        return [
            self.heat(scope, found),
            self.trend(scope, found),
            self.statuses(scope, advisories, data.status_counts(scope.members)),
            self.attendance(scope, advisories, data.attendance(scope.members, *self.period(scope))),
        ]

    def reflections(self, scope: Scope, advisories: list[Advisory]) -> Reflections:
        terms = Term.objects.filter(school_year=scope.year).select_related("school_year")
        terms = list(terms.order_by("start_date"))
        ratings = self.ratings(scope)
        term_ids = [term.pk for term in terms]
        return Reflections(
            words=wordings(scope.school.pk),
            terms=terms,
            advisories=advisories,
            counts=data.rating_counts(ratings, term_ids),
            respondents=data.respondents(self.reflections_of(scope), term_ids),
            own={advisory.pk for advisory in advisories if advisory.advisor_id == scope.user.pk},
        )

    def ratings(self, scope: Scope):
        return data.student_ratings(scope.members, scope.advisories, year_level=scope.level)

    def reflections_of(self, scope: Scope):
        return data.student_reflections(scope.members, scope.advisories, year_level=scope.level)

    def period(self, scope: Scope):
        return scope.start, scope.end

    # --- the heat map -------------------------------------------------------------------------

    def heat(self, scope: Scope, found: Reflections) -> Section:
        term = scope.term or found.latest
        title = _("Ratings by advisory and expectation")
        headers = [
            _("Advisory"),
            _("Students who reflected"),
            *(f"{wording.number}. {wording.name}" for wording in found.words),
        ]
        if term is None:
            text = _("No student in this report has reflected on a term of this year yet.")
            return Section(title, Table("heat", title, headers, []), None, text)
        rows, values = [], []
        for advisory in found.advisories:
            counted = found.term_counts(term, [advisory.pk])
            students = found.students(term, [advisory.pk])
            visible = found.shown([advisory.pk])
            means = [self.mean(counted.get(w.pk), visible) for w in found.words]
            values.append(means)
            # One link per row, each cell's own the row's plus its expectation (the same
            # address ``link`` would build, without encoding the filters again per cell).
            href = link(scope, self, "reflected", term=term.pk, advisory=advisory.pk)
            rows.append(
                [
                    Cell(advisory.name),
                    self.respondents_cell(scope, students, visible, term, advisory=advisory.pk),
                    *(
                        self.mean_cell(mean, f"{href}&{PARAMETER}expectation={wording.pk}")
                        for mean, wording in zip(means, found.words, strict=True)
                    ),
                ]
            )
        chart = charts.heat_chart(
            chart_id="expectations-heat",
            title=title,
            desc=_(
                "A heat map: a row per advisory, a column per expectation (numbered as in the "
                "table), each cell the students' average rating from 1 to 5, written in the "
                "cell and darker for higher averages; a dash where fewer than 5 students "
                "answered. The table has the same numbers."
            ),
            rows=[advisory.name for advisory in found.advisories],
            columns=[str(wording.number) for wording in found.words],
            values=values,
            low=1,
            high=5,
        )
        text = _(
            "The students' own ratings in %(term)s of how well school met each expectation, "
            "from 1 (not at all) to 5 (fully), by the advisory they were in when they wrote. "
            "A dash: no answers, or fewer than 5 students answered; to protect students' "
            "privacy, only their advisor sees numbers from so few."
        ) % {"term": term}
        return Section(title, Table("heat", title, headers, rows), chart, text)

    def mean(self, counts, visible: bool) -> float | None:
        """An average shown to the viewer: None without answers, or from fewer than five
        students for anyone but their advisor."""
        if not counts or not sum(counts) or (not visible and sum(counts) < MIN_GROUP):
            return None
        return round(average(counts), 1)

    def mean_cell(self, mean, href: str) -> Cell:
        if mean is None:
            return Cell(DASH)
        return number(mean, href, decimals=1)

    def respondents_cell(self, scope, students: int, visible: bool, term, **params) -> Cell:
        if students and not visible and students < MIN_GROUP:
            return Cell(DASH)
        return number(students, link(scope, self, "reflected", term=term.pk, **params))

    # --- the trend by term --------------------------------------------------------------------

    def trend(self, scope: Scope, found: Reflections) -> Section:
        ids = [advisory.pk for advisory in found.advisories]
        visible = found.shown(ids)
        title = _("Ratings by term")
        headers = [_("Expectation"), *(term.name for term in found.terms)]
        per_term = found.terms_counts(ids)
        rows = [
            [
                Cell(_("Students who reflected")),
                *(
                    self.respondents_cell(scope, found.students(term, ids), visible, term)
                    for term in found.terms
                ),
            ]
        ]
        panels = []
        for wording in found.words:
            means = [self.mean(per_term[term.pk].get(wording.pk), visible) for term in found.terms]
            rows.append(
                [
                    Cell(f"{wording.number}. {wording.name}"),
                    *(
                        self.mean_cell(
                            mean,
                            link(scope, self, "reflected", term=term.pk, expectation=wording.pk),
                        )
                        for mean, term in zip(means, found.terms, strict=True)
                    ),
                ]
            )
            points = [(term.name, mean) for term, mean in zip(found.terms, means, strict=True)]
            panels.append(charts.Panel(f"{wording.number}. {wording.name}", points))
        chart = charts.multiples_chart(
            chart_id="expectations-trend",
            title=title,
            desc=_(
                "A small chart per expectation with a bar per term of the year: the students' "
                "average rating from 1 to 5 that term; no bar where fewer than 5 students "
                "answered. The table has the same numbers."
            ),
            panels=panels,
            maximum=5,
        )
        text = _(
            "The average of the students' own ratings in each term of the year, over every "
            "advisory in this report. A dash: no answers, or fewer than 5 students answered "
            "(only their advisor sees numbers from so few)."
        )
        return Section(title, Table("trend", title, headers, rows), chart, text)

    # --- early warning ------------------------------------------------------------------------

    def statuses(self, scope: Scope, advisories, counts) -> Section:
        labels = [*Engagement.Status.labels, _("Not computed yet")]
        rows, stacks = [], []
        for advisory in advisories:
            found = counts.get(advisory.pk, dict.fromkeys(data.STATUSES, 0))
            values = [found[status] for status in data.STATUSES]
            href = link(scope, self, "status", advisory=advisory.pk)
            rows.append(
                [
                    Cell(advisory.name),
                    *(
                        number(value, f"{href}&{PARAMETER}status={s}")
                        for s, value in zip(data.STATUSES, values, strict=True)
                    ),
                    number(sum(values), link(scope, self, "members", advisory=advisory.pk)),
                ]
            )
            stacks.append(charts.Stack(advisory.name, values))
        title = _("Students by early-warning status")
        chart = charts.stacked_chart(
            chart_id="expectations-status",
            title=title,
            desc=_(
                "A bar per advisory split by early-warning status: on track, watch, act, and "
                "not computed yet, each part the number of students. The table has the same "
                "numbers."
            ),
            keys=[str(label) for label in labels],
            stacks=stacks,
        )
        headers = [_("Advisory"), *(str(label) for label in labels), _("Students")]
        text = _(
            "Each student's status as last computed from the signals of disengagement "
            "(low or falling ratings, a quiet plan, missed meetings, no internship or hours, "
            "absences), whatever the period chosen. Follow a number to the students behind "
            "it: the early-warning list is there to be acted on."
        )
        return Section(title, Table("status", title, headers, rows), chart, text)

    # --- attendance ---------------------------------------------------------------------------

    def attendance(self, scope: Scope, advisories, counts) -> Section:
        rows, bars = [], []
        empty = {"days": 0, "student_days": 0} | dict.fromkeys(data.MARKS, 0)
        for advisory in advisories:
            found = counts.get(advisory.pk, empty)
            possible = found["student_days"]
            marked = sum(found[status] for status in data.MARKS)
            present = max(possible - marked, 0)
            rate = share(present, possible)
            href = link(scope, self, "marked", advisory=advisory.pk)
            rows.append(
                [
                    Cell(advisory.name),
                    number(found["days"]),
                    number(possible),
                    number(present),
                    *(
                        number(found[status], f"{href}&{PARAMETER}status={status}")
                        for status in data.MARKS
                    ),
                    rate,
                    share(present + found[AttendanceMark.Status.LATE], possible),
                ]
            )
            bars.append(charts.Bar(advisory.name, rate.value or 0, rate.text))
        title = _("Attendance by advisory")
        headers = [
            _("Advisory"),
            _("Days the roll was taken"),
            _("Student-days"),
            _("Present"),
            *(str(label) for label in AttendanceMark.Status.labels),
            _("Present rate"),
            _("Came (present or late)"),
        ]
        chart = charts.bar_chart(
            chart_id="expectations-attendance",
            title=title,
            desc=_(
                "A bar per advisory: the share of student-days its students were present at "
                "advisory over the period. The table has the counts behind it."
            ),
            bars=bars,
            maximum=100,
        )
        text = _(
            "Student-days: each day the roll was taken in an advisory a student was in that "
            "day. Everyone is present unless marked absent, late or excused; the present rate "
            "is present student-days over all of them, and a late student came but is not "
            "counted present."
        )
        return Section(title, Table("attendance", title, headers, rows), chart, text)

    # --- the students behind a number ---------------------------------------------------------

    def drill(self, scope: Scope, measure: str, params):
        if measure == "reflected":
            return self.reflected(scope, params)
        allowed = {
            "members": {"advisory"},
            "status": {"advisory", "status"},
            "marked": {"advisory", "status"},
        }
        if measure not in allowed or set(params) != allowed[measure]:
            raise Http404("No such number in this report.")
        advisory = self.advisory(scope, params["advisory"])
        members = scope.members.filter(advisory=advisory)
        names = {"advisory": advisory.name}
        if measure == "members":
            return _("Students in %(advisory)s") % names, self.of(members)
        status = params["status"]
        if measure == "status":
            if status not in data.STATUSES:
                raise Http404("No such status.")
            label = dict(Engagement.Status.choices).get(status, _("Not computed yet"))
            caption = _("Students in %(advisory)s: %(status)s") % (names | {"status": label})
            return caption, self.of(data.with_status(members, status))
        if status not in data.MARKS:
            raise Http404("No such attendance mark.")
        marked = data.with_mark(members, status, *self.period(scope))
        caption = _("Students in %(advisory)s marked %(status)s at least once") % (
            names | {"status": AttendanceMark.Status(status).label.lower()}
        )
        return caption, self.of(marked)

    def reflected(self, scope: Scope, params):
        """The students who reflected on a term (on one expectation, in one advisory): who
        answered, never what they answered, so no parameter names a score."""
        if not set(params) <= {"term", "advisory", "expectation"} or "term" not in params:
            raise Http404("No such number in this report.")
        term = self.term(scope, params["term"])
        ratings = self.ratings(scope).filter(reflection__term=term)
        advisories = [advisory.pk for advisory in scope.advisories]
        if "advisory" in params:
            advisories = [self.advisory(scope, params["advisory"]).pk]
            ratings = ratings.filter(reflection__advisory_id=advisories[0])
        if "expectation" in params:
            words = {str(wording.pk): wording for wording in wordings(scope.school.pk)}
            if params["expectation"] not in words:
                raise Http404("No such expectation.")
            ratings = ratings.filter(expectation_id=params["expectation"])
            caption = _("Students who rated “%(expectation)s” in %(term)s") % {
                "expectation": words[params["expectation"]].name,
                "term": term,
            }
        else:
            caption = _("Students who reflected on %(term)s") % {"term": term}
        students = self.of(data.who_reflected(scope.members, ratings))
        own = {a.pk for a in scope.advisories.filter(advisor_id=scope.user.pk)}
        if not set(advisories) <= own and students.count() < MIN_GROUP:
            # The number is a dash for this reader: its students are not listed either.
            return _("Fewer than 5 students: not shown, to protect their privacy."), (
                Student.objects.none()
            )
        return caption, students

    def advisory(self, scope: Scope, pk: str) -> Advisory:
        advisory = scope.advisories.filter(pk=pk).first() if pk.isdigit() else None
        if advisory is None:
            raise Http404("No such advisory in this report.")
        return advisory

    def term(self, scope: Scope, pk: str) -> Term:
        """A term of the report's year (the trend shows them all, whatever term is chosen)."""
        term = Term.objects.filter(school_year=scope.year, pk=pk).first() if pk.isdigit() else None
        if term is None:
            raise Http404("No such term in this report.")
        return term

    def of(self, members):
        return Student.objects.filter(pk__in=members.values("student_id"))

    # --- the report's columns in the list of students -----------------------------------------

    def columns(self, scope: Scope) -> list[Column]:
        start, end = self.period(scope)
        statuses = [
            When(engagement__status=value, then=Value(str(label)))
            for value, label in Engagement.Status.choices
        ]
        reflected = Reflection.objects.filter(
            student_id=OuterRef("pk"),
            perspective=data.STUDENT,
            term__in=scope.terms,
            ratings__isnull=False,
        )
        terms = (
            reflected.order_by().values("student_id").annotate(n=Count("term_id", distinct=True))
        )
        return [
            Column(
                _("Early-warning status"),
                Case(*statuses, default=Value(_("Not computed yet"))),
            ),
            Column(
                _("Terms reflected on"),
                Coalesce(Subquery(terms.values("n"), output_field=IntegerField()), 0),
            ),
            *(
                Column(header, Coalesce(Subquery(self.marks(status, start, end)), 0))
                for status, header in (
                    (AttendanceMark.Status.ABSENT, _("Days absent")),
                    (AttendanceMark.Status.LATE, _("Days late")),
                    (AttendanceMark.Status.EXCUSED, _("Days excused")),
                )
            ),
        ]

    def marks(self, status: str, start, end):
        marks = AttendanceMark.objects.filter(
            student_id=OuterRef("pk"), status=status, sheet__on__gte=start, sheet__on__lte=end
        )
        return marks.order_by().values("student_id").annotate(n=Count("pk")).values("n")


REPORT = ExpectationsReport()
