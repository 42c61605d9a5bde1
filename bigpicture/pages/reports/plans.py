"""The learning plans report: each term's plans by status and advisory, how long plans wait
for review, goals met by learning goal, and the work carried from one term to the next."""

from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigpicture.pages.reports import charts
from bigpicture.pages.reports.scope import Scope
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
from students.models import LearningGoal, LearningPlan, PlanItem

STATUSES = (
    data.NONE,
    LearningPlan.Status.DRAFT,
    LearningPlan.Status.SUBMITTED,
    LearningPlan.Status.CHANGES_REQUESTED,
    LearningPlan.Status.APPROVED,
)
PERSONAL, UNTIED = "personal", "untied"  # goal rows beside the five learning goals


def status_label(status: str) -> str:
    return _("No plan") if status == data.NONE else str(LearningPlan.Status(status).label)


def band_labels() -> list[str]:
    labels, lower = [], 0
    for upper in data.WAITING_BANDS:
        if upper is None:
            labels.append(_("Over %(days)s days") % {"days": lower - 1})
        else:
            labels.append(_("%(low)s to %(high)s days") % {"low": lower, "high": upper})
            lower = upper + 1
    return labels


class PlansReport(Report):
    slug = "plans"
    title = gettext_lazy("Learning plans")
    summary = gettext_lazy(
        "Status per term by advisory, days waiting for review, goals met by "
        "learning goal, carried-over goals."
    )

    def sections(self, scope: Scope) -> list[Section]:
        advisories = list(scope.advisories.values_list("pk", "name"))
        terms = data.terms_of(scope.terms)
        ids = [term for term, _name in terms]
        return [
            self.statuses(scope, advisories, terms, ids),
            self.waiting(scope, advisories, ids),
            self.goals(scope, ids),
            self.carried(scope, advisories, ids),
        ]

    def statuses(self, scope, advisories, terms, ids) -> Section:
        sizes = data.term_sizes(scope.members)
        counts = data.plan_statuses(scope.members, ids)
        linked = linker(scope, self, "status")
        counted = numbers()
        rows, stacks = [], []
        for term, term_name in terms:
            for advisory, name in advisories:
                size = sizes.get(advisory, 0)
                per_status = dict(counts.get((term, advisory), {}))
                per_status[data.NONE] = size - sum(per_status.values())
                values = [per_status.get(status, 0) for status in STATUSES]
                rows.append(
                    [
                        Cell(term_name),
                        Cell(name),
                        counted(size),
                        *(
                            counted(value, linked(term=term, advisory=advisory, status=s))
                            for s, value in zip(STATUSES, values, strict=True)
                        ),
                    ]
                )
                stacks.append(charts.Stack(row_label(term_name, name, terms), values))
        title = _("Plan status per term")
        keys = [status_label(status) for status in STATUSES]
        headers = [_("Term"), _("Advisory"), _("Students"), *keys]
        chart = charts.stacked_chart(
            chart_id="plans-status",
            title=title,
            desc=_(
                "A bar per advisory and term split by the status of the students' plans, "
                "from no plan to approved. The table has the same numbers."
            ),
            keys=keys,
            stacks=stacks,
        )
        return Section(
            title,
            Table("status", title, headers, rows),
            chart,
            _("No plan counts the students of the advisory who have no plan for the term."),
        )

    def waiting(self, scope, advisories, ids) -> Section:
        zone = scope.school.zone
        waits = data.waiting(scope.members, ids, scope.today, zone)
        bands = band_labels()
        linked = linker(scope, self, "waiting")
        counted = numbers()
        rows, stacks = [], []
        for advisory, name in advisories:
            counts, oldest = waits.get(advisory, ([0] * len(bands), None))
            longest = None
            if oldest is not None:
                longest = (scope.today - timezone.localtime(oldest, zone).date()).days
            rows.append(
                [
                    Cell(name),
                    counted(sum(counts), linked(advisory=advisory)),
                    *(
                        counted(count, linked(advisory=advisory, band=band))
                        for band, count in enumerate(counts)
                    ),
                    counted(longest),
                ]
            )
            stacks.append(charts.Stack(name, counts))
        title = _("Days waiting for review")
        headers = [_("Advisory"), _("Waiting"), *bands, _("Longest wait in days")]
        chart = charts.stacked_chart(
            chart_id="plans-waiting",
            title=title,
            desc=_(
                "A bar per advisory: the plans waiting for review, split by how many days "
                "they have waited. The table has the same numbers and the longest wait."
            ),
            keys=bands,
            stacks=stacks,
        )
        return Section(
            title,
            Table("waiting", title, headers, rows),
            chart,
            _("Days since the student submitted a plan of the report's terms still waiting."),
        )

    def goal_rows(self) -> list[tuple[str, str, object]]:
        """(key, name, group key) for each row: the five goals, personal, not tied to any."""
        goals = [
            (code, LearningGoal.label_of(code, name), (pk, False))
            for pk, code, name in data.learning_goals()
        ]
        return [
            *goals,
            (PERSONAL, _("Personal goals"), (None, True)),
            (UNTIED, _("Not tied to a learning goal"), (None, False)),
        ]

    def goals(self, scope, ids) -> Section:
        counts = data.goals_met(scope.members, ids)
        rows, bars = [], []
        for key, name, group in self.goal_rows():
            goals, met, students = counts.get(group, (0, 0, 0))
            if group[0] is not None:
                # A goal tied to a learning goal and also marked personal counts under each.
                more = counts.get((group[0], True), (0, 0, 0))
                goals, met, students = goals + more[0], met + more[1], students + more[2]
            rows.append(
                [
                    Cell(name),
                    number(goals, link(scope, self, "goals", goal=key)),
                    number(met, link(scope, self, "met", goal=key)),
                    share(met, goals),
                    number(students, link(scope, self, "met", goal=key)),
                ]
            )
            bars.append(charts.Bar(name, met, f"{met} / {goals}"))
        title = _("Goals met by learning goal")
        headers = [_("Learning goal"), _("Goals"), _("Met"), _("Share met"), _("Students")]
        chart = charts.bar_chart(
            chart_id="plans-goals",
            title=title,
            desc=_(
                "A bar per learning goal: the goals met in the report's plans, written with "
                "the number of goals. The table has the share and the students."
            ),
            bars=bars,
        )
        return Section(
            title,
            Table("goals", title, headers, rows),
            chart,
            _(
                "A goal tied to several learning goals counts under each; Students counts "
                "the students with at least one goal met."
            ),
        )

    def carried(self, scope, advisories, ids) -> Section:
        counts = data.carried(scope.members, ids)
        linked = linker(scope, self, "carried")
        counted = numbers()
        rows, stacks = [], []
        for advisory, name in advisories:
            items, out, into, students = counts.get(advisory, (0, 0, 0, 0))
            rows.append(
                [
                    Cell(name),
                    counted(items),
                    counted(out, linked(advisory=advisory, way="out")),
                    counted(into, linked(advisory=advisory, way="in")),
                    counted(students, linked(advisory=advisory, way="either")),
                ]
            )
            stacks.append(charts.Stack(name, [out, into]))
        title = _("Carried-over goals")
        keys = [_("Carried over to a later term"), _("Carried in from an earlier term")]
        headers = [_("Advisory"), _("Goals and projects"), *keys, _("Students")]
        chart = charts.stacked_chart(
            chart_id="plans-carried",
            title=title,
            desc=_(
                "A bar per advisory: goals and projects carried over to a later term and "
                "those carried in from an earlier one. The table has the same numbers."
            ),
            keys=keys,
            stacks=stacks,
        )
        return Section(title, Table("carried", title, headers, rows), chart)

    def drill(self, scope: Scope, measure: str, params):
        if measure in ("goals", "met"):
            return self.drill_goal(scope, measure, params)
        if measure not in ("status", "waiting", "carried"):
            raise Http404("No such number in this report.")
        advisory = pick_advisory(scope, params)
        members = scope.members.filter(advisory=advisory)
        plans = LearningPlan.objects.filter(student_id__in=members.values("student_id"))
        names = {"advisory": advisory}
        if measure == "status":
            term = pick_term(scope, params)
            status = pick(params, "status", STATUSES)
            names.update(term=term, status=status_label(status))
            caption = _("Students in %(advisory)s, %(term)s: %(status)s") % names
            if status == data.NONE:
                return caption, of(members).exclude(
                    pk__in=plans.filter(term=term).values("student_id")
                )
            return caption, data.students_of(plans.filter(term=term, status=status))
        if measure == "waiting":
            plans = plans.filter(term__in=scope.terms, status=LearningPlan.Status.SUBMITTED)
            band = params.get("band", "")
            if band:
                choice = int(pick(params, "band", [str(i) for i in range(len(data.WAITING_BANDS))]))
                plans = data.waiting_band(plans, choice, scope.today, scope.school.zone)
                names["band"] = band_labels()[choice]
                caption = _("Students in %(advisory)s whose plan has waited %(band)s") % names
                return caption, data.students_of(plans)
            caption = _("Students in %(advisory)s whose plan waits for review") % names
            return caption, data.students_of(plans)
        way = pick(params, "way", ("out", "in", "either"))
        items = data.carried_items(data.items_of(members, scope.terms), way)
        caption = _("Students in %(advisory)s with carried-over goals or projects") % names
        return caption, data.students_of(items, "plan__student_id")

    def drill_goal(self, scope, measure, params):
        rows = {key: (name, group) for key, name, group in self.goal_rows()}
        key = pick(params, "goal", rows)
        name, (goal, personal) = rows[key]
        items = data.items_of(scope.members, scope.terms).filter(kind=PlanItem.Kind.GOAL)
        if goal is not None:
            items = items.filter(learning_goals=goal)
        else:
            items = items.filter(learning_goals__isnull=True, is_personal=personal)
        if measure == "met":
            items = items.filter(progress=PlanItem.Progress.MET)
            caption = _("Students with a goal met: %(goal)s")
        else:
            caption = _("Students with a goal: %(goal)s")
        return caption % {"goal": name}, data.students_of(items, "plan__student_id")

    def columns(self, scope: Scope) -> list[Column]:
        labelled = Case(
            *(When(status=status, then=Value(status_label(status))) for status in STATUSES[1:]),
            default=Value(""),
        )
        latest = (
            LearningPlan.objects.filter(student_id=OuterRef("pk"), term__in=scope.terms)
            .order_by("-term__start_date")
            .annotate(label=labelled)
            .values("label")[:1]
        )
        items = data.items_of(scope.members, scope.terms).filter(plan__student_id=OuterRef("pk"))
        met = items.filter(kind=PlanItem.Kind.GOAL, progress=PlanItem.Progress.MET)
        return [
            Column(
                _("Plan status (latest term)"),
                Coalesce(Subquery(latest), Value(status_label(data.NONE))),
            ),
            Column(_("Goals met"), count_of(met)),
            Column(
                _("Goals and projects carried over"), count_of(data.carried_items(items, "either"))
            ),
        ]


def count_of(items) -> Coalesce:
    """The number of rows of a correlated queryset, as a column (0 when there are none)."""
    counted = (
        items.order_by().values("plan__student_id").annotate(count=Count("pk")).values("count")
    )
    return Coalesce(Subquery(counted), Value(0))


REPORT = PlansReport()
