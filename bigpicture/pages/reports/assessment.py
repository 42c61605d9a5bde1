"""The meetings, narratives and exhibitions report: each term's plan meetings held, scheduled
and missing, narratives written and published, exhibitions held, the panels' results by
learning goal, and the gateways passed by year level."""

from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigpicture.pages.reports import charts
from bigpicture.pages.reports.scope import LEVELS, Scope
from bigpicture.pages.reports.tables import (
    Cell,
    Column,
    Report,
    Section,
    Table,
    link,
    linker,
    number,
    numbers,
    of,
    pick,
    pick_advisory,
    pick_term,
    row_label,
    share,
)
from students import report as data
from students.models import FIVE_GOALS, Exhibition, Feedback, Narrative, PlanMeeting

MEETINGS = ("held", "scheduled", "missing")
NARRATIVES = ("student", "advisor", "published")
EXHIBITIONS = ("held", "scheduled", "none")


def gateway_label(gateway: str) -> str:
    return str(Exhibition.Gateway(gateway).label)


class AssessmentReport(Report):
    slug = "assessment"
    title = gettext_lazy("Meetings, narratives and exhibitions")
    summary = gettext_lazy(
        "Plan meetings held, scheduled and missing; narratives written and "
        "published; exhibitions, results by learning goal and gateways."
    )

    def sections(self, scope: Scope) -> list[Section]:
        advisories = list(scope.advisories.values_list("pk", "name"))
        terms = data.terms_of(scope.terms)
        ids = [term for term, _name in terms]
        sizes = data.term_sizes(scope.members)
        cells = [
            (term, term_name, pk, name, sizes.get(pk, 0))
            for term, term_name in terms
            for pk, name in advisories
        ]
        return [
            self.meetings(scope, cells, terms, ids),
            self.narratives(scope, cells, terms, ids),
            self.exhibitions(scope, cells, terms, ids),
            self.results(scope, ids),
            self.gateways(scope),
        ]

    def per_term(self, scope, cells, terms, measure, counts, keys, width) -> tuple[list, list]:
        """Rows and chart stacks of a table by term and advisory: the students, then one
        number per key (each linked to its students)."""
        linked = linker(scope, self, measure)
        counted = numbers()
        rows, stacks = [], []
        for term, term_name, advisory, name, size in cells:
            values = counts(counts_of=(term, advisory), size=size)
            rows.append(
                [
                    Cell(term_name),
                    Cell(name),
                    counted(size),
                    *(
                        counted(value, linked(term=term, advisory=advisory, which=key))
                        for key, value in zip(keys, values, strict=True)
                    ),
                ]
            )
            stacks.append(charts.Stack(row_label(term_name, name, terms), values[:width]))
        return rows, stacks

    def meetings(self, scope, cells, terms, ids) -> Section:
        found = data.meetings(scope.members, ids)

        def counts(*, counts_of, size):
            held, scheduled = found.get(counts_of, (0, 0))
            return [held, scheduled, size - held - scheduled]

        rows, stacks = self.per_term(scope, cells, terms, "meetings", counts, MEETINGS, 3)
        title = _("Learning plan meetings per term")
        keys = [_("Held"), _("Scheduled"), _("Missing")]
        chart = charts.stacked_chart(
            chart_id="assessment-meetings",
            title=title,
            desc=_(
                "A bar per advisory and term split into students whose plan meeting was held, "
                "is scheduled, or is missing. The table has the same numbers."
            ),
            keys=keys,
            stacks=stacks,
        )
        headers = [_("Term"), _("Advisory"), _("Students"), *keys]
        return Section(
            title,
            Table("meetings", title, headers, rows),
            chart,
            _("Missing counts the students with no meeting held or scheduled that term."),
        )

    def narratives(self, scope, cells, terms, ids) -> Section:
        found = data.narratives(scope.members, ids)

        def counts(*, counts_of, size):
            return list(found.get(counts_of, (0, 0, 0)))

        rows, stacks = self.per_term(scope, cells, terms, "narratives", counts, NARRATIVES, 3)
        title = _("Narratives per term")
        keys = [
            _("Written by the student"),
            _("Written by the advisor"),
            _("Advisor's published"),
        ]
        chart = charts.multiples_chart(
            chart_id="assessment-narratives",
            title=title,
            desc=_(
                "A panel per advisory and term: students' narratives written, advisors' "
                "narratives written and advisors' narratives published to the family. "
                "The table has the same numbers."
            ),
            panels=[
                charts.Panel(stack.label, list(zip(keys, stack.counts, strict=True)))
                for stack in stacks
            ],
        )
        headers = [_("Term"), _("Advisory"), _("Students"), *keys]
        return Section(
            title,
            Table("narratives", title, headers, rows),
            chart,
            _("Only the advisor's narrative is published to the family."),
        )

    def exhibitions(self, scope, cells, terms, ids) -> Section:
        found = data.exhibitions(scope.members, ids)
        linked = linker(scope, self, "exhibitions")
        counted = numbers()
        rows, stacks = [], []
        for term, term_name, advisory, name, size in cells:
            held, exhibited, scheduled = found.get((term, advisory), (0, 0, 0))
            values = (exhibited, scheduled, size - exhibited)
            rows.append(
                [
                    Cell(term_name),
                    Cell(name),
                    counted(size),
                    counted(held),
                    *(
                        counted(value, linked(term=term, advisory=advisory, which=key))
                        for key, value in zip(EXHIBITIONS, values, strict=True)
                    ),
                ]
            )
            label = row_label(term_name, name, terms)
            stacks.append(charts.Stack(label, [exhibited, size - exhibited]))
        title = _("Exhibitions per term")
        keys = [_("Exhibited"), _("Not exhibited yet")]
        chart = charts.stacked_chart(
            chart_id="assessment-exhibitions",
            title=title,
            desc=_(
                "A bar per advisory and term split into students who held an exhibition "
                "and those who have not yet. The table has the same numbers, the "
                "exhibitions held and those scheduled."
            ),
            keys=keys,
            stacks=stacks,
        )
        headers = [
            _("Term"),
            _("Advisory"),
            _("Students"),
            _("Exhibitions held"),
            _("Students who exhibited"),
            _("Students with one scheduled"),
            _("Students with none held"),
        ]
        return Section(
            title,
            Table("exhibitions", title, headers, rows),
            chart,
            _("A student with one exhibition held and another scheduled counts in both."),
        )

    def results(self, scope, ids) -> Section:
        counts = data.ratings(scope.members, ids)
        levels = [str(Feedback.Level(level).label) for level in data.LEVELS]
        rows, stacks = [], []
        for code, (name, _question) in FIVE_GOALS.items():
            per_level = [counts[(code, level)] for level in data.LEVELS]
            total = sum(per_level)
            mean = sum(level * n for level, n in zip(data.LEVELS, per_level, strict=True))
            rows.append(
                [
                    Cell(str(name)),
                    *(
                        number(n, link(scope, self, "rated", goal=code, level=level))
                        for level, n in zip(data.LEVELS, per_level, strict=True)
                    ),
                    number(total),
                    number(mean / total if total else None, decimals=1),
                    share(sum(per_level[2:]), total),
                ]
            )
            stacks.append(charts.Stack(str(name), per_level))
        title = _("Exhibition results by learning goal")
        headers = [
            _("Learning goal"),
            *levels,
            _("Ratings"),
            _("Mean level (1 to 4)"),
            _("Proficient or better"),
        ]
        chart = charts.stacked_chart(
            chart_id="assessment-results",
            title=title,
            desc=_(
                "A bar per learning goal split by the level panelists gave it, from "
                "beginning to exemplary. The table has the same numbers and the mean."
            ),
            keys=levels,
            stacks=stacks,
        )
        return Section(
            title,
            Table("results", title, headers, rows),
            chart,
            _(
                "Each panelist's rubric of an exhibition held in the period counts once per "
                "learning goal it rated; a goal the work did not touch is left out."
            ),
        )

    def gateways(self, scope) -> Section:
        sizes = data.class_sizes(scope.members)
        found = data.gateways(scope.members, scope.end)
        rows, panels = [], {gateway: [] for gateway in data.GATEWAYS}
        for level in LEVELS:
            graduating_class = scope.graduating_class(level)
            size = sizes.get(graduating_class, 0)
            cells = [Cell(str(level)), number(size)]
            for gateway in data.GATEWAYS:
                passed, presented = found.get((graduating_class, gateway), (0, 0))
                cells += [
                    number(passed, link(scope, self, "gateway", gateway=gateway, level=level)),
                    share(passed, size),
                    number(
                        presented - passed,
                        link(scope, self, "gateway-not-yet", gateway=gateway, level=level),
                    ),
                ]
                panels[gateway].append((str(level), share(passed, size).value))
            rows.append(cells)
        title = _("Gateways passed by year level")
        headers = [_("Year level"), _("Students")]
        for gateway in data.GATEWAYS:
            label = gateway_label(gateway)
            headers += [
                _("%(gateway)s: passed") % {"gateway": label},
                _("%(gateway)s: share") % {"gateway": label},
                _("%(gateway)s: not passed yet") % {"gateway": label},
            ]
        chart = charts.multiples_chart(
            chart_id="assessment-gateways",
            title=title,
            desc=_(
                "A panel per gateway: the percentage of each year level's students who have "
                "passed it. The table has the numbers."
            ),
            panels=[
                charts.Panel(gateway_label(gateway), points) for gateway, points in panels.items()
            ],
            maximum=100,
        )
        return Section(
            title,
            Table("gateways", title, headers, rows),
            chart,
            _(
                "Passed counts the students who had passed the gateway by the end of the "
                "period, in any year; not passed yet, those who presented it and have not "
                "passed it."
            ),
        )

    def drill(self, scope: Scope, measure: str, params):
        if measure == "rated":
            return self.drill_rated(scope, params)
        if measure in ("gateway", "gateway-not-yet"):
            return self.drill_gateway(scope, measure, params)
        choices = {"meetings": MEETINGS, "narratives": NARRATIVES, "exhibitions": EXHIBITIONS}
        if measure not in choices:
            raise Http404("No such number in this report.")
        advisory = pick_advisory(scope, params)
        term = pick_term(scope, params)
        which = pick(params, "which", choices[measure])
        members = scope.members.filter(advisory=advisory)
        students = of(members)
        names = {"advisory": advisory, "term": term}
        if measure == "meetings":
            meetings = PlanMeeting.objects.filter(term=term, status__in=data.HELD_OR_SCHEDULED)
            if which == "missing":
                chosen = students.exclude(pk__in=meetings.values("student_id"))
            else:
                chosen = students.filter(pk__in=meetings.filter(status=which).values("student_id"))
            names["which"] = {
                "held": _("meeting held"),
                "scheduled": _("meeting scheduled"),
                "missing": _("no meeting"),
            }[which]
        elif measure == "narratives":
            narratives = Narrative.objects.filter(term=term)
            if which == "published":
                narratives = narratives.filter(
                    kind=Narrative.Kind.ADVISOR, published_at__isnull=False
                )
            else:
                narratives = narratives.filter(kind=which)
            chosen = students.filter(pk__in=narratives.values("student_id"))
            names["which"] = {
                "student": _("student's narrative written"),
                "advisor": _("advisor's narrative written"),
                "published": _("advisor's narrative published"),
            }[which]
        else:
            exhibitions = Exhibition.objects.filter(term=term)
            held = exhibitions.filter(status=Exhibition.Status.HELD).values("student_id")
            if which == "held":
                chosen = students.filter(pk__in=held)
            elif which == "scheduled":
                scheduled = exhibitions.filter(status=Exhibition.Status.SCHEDULED)
                chosen = students.filter(pk__in=scheduled.values("student_id"))
            else:
                chosen = students.exclude(pk__in=held)
            names["which"] = {
                "held": _("exhibited"),
                "scheduled": _("exhibition scheduled"),
                "none": _("no exhibition held"),
            }[which]
        return _("Students in %(advisory)s, %(term)s: %(which)s") % names, chosen

    def drill_rated(self, scope, params):
        code = pick(params, "goal", FIVE_GOALS)
        level = int(pick(params, "level", [str(level) for level in data.LEVELS]))
        feedback = data.feedback_of(scope.members, scope.terms).filter(data.rated(code, level))
        caption = _("Students rated %(level)s in %(goal)s at an exhibition") % {
            "level": Feedback.Level(level).label,
            "goal": FIVE_GOALS[code][0],
        }
        return caption, data.students_of(feedback, "exhibition__student_id")

    def drill_gateway(self, scope, measure, params):
        gateway = pick(params, "gateway", data.GATEWAYS)
        level = pick(params, "level", [str(level) for level in LEVELS])
        members = scope.members.filter(student__graduating_class=scope.graduating_class(int(level)))
        students = of(members)
        passed = data.passed_gateway(gateway, scope.end)
        names = {"gateway": gateway_label(gateway), "level": level}
        if measure == "gateway":
            caption = _("Students of year level %(level)s who passed: %(gateway)s") % names
            return caption, students.filter(passed)
        presented = Exhibition.objects.filter(
            gateway=gateway, status=Exhibition.Status.HELD, term__start_date__lte=scope.end
        )
        caption = _("Students of year level %(level)s who have not passed yet: %(gateway)s")
        return caption % names, students.filter(pk__in=presented.values("student_id")).exclude(
            passed
        )

    def columns(self, scope: Scope) -> list[Column]:
        mine = {"student_id": OuterRef("pk"), "term__in": scope.terms}
        meetings = PlanMeeting.objects.filter(status__in=data.HELD_OR_SCHEDULED, **mine)
        held = Exhibition.objects.filter(status=Exhibition.Status.HELD, **mine)
        published = Narrative.objects.filter(
            kind=Narrative.Kind.ADVISOR, published_at__isnull=False, **mine
        )
        return [
            Column(_("Plan meetings held"), count_of(meetings.filter(status="held"))),
            Column(_("Plan meetings scheduled"), count_of(meetings.filter(status="scheduled"))),
            Column(_("Advisor's narratives published"), count_of(published)),
            Column(_("Exhibitions held"), count_of(held)),
            *(
                Column(
                    _("%(gateway)s: passed") % {"gateway": gateway_label(gateway)},
                    Case(
                        When(data.passed_gateway(gateway, scope.end), then=Value(_("yes"))),
                        default=Value(_("no")),
                    ),
                )
                for gateway in data.GATEWAYS
            ),
        ]


def count_of(rows) -> Coalesce:
    """The number of a student's rows (the outer row), as a column (0 when none)."""
    counted = rows.order_by().values("student_id").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted), Value(0))


REPORT = AssessmentReport()
