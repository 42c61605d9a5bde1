"""The advisories report: size against capacity, year-level mix, advisors' load, continuity
(who kept their advisor since entering) and moves this year."""

from django.db.models import Case, Exists, OuterRef, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advisories import report as data
from bigpicture.pages.reports import charts
from bigpicture.pages.reports.scope import LEVELS, Scope
from bigpicture.pages.reports.tables import (
    Cell,
    Column,
    Report,
    Section,
    Table,
    link,
    number,
    of,
    pick_advisory,
    share,
)


def person(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


class AdvisoriesReport(Report):
    slug = "advisories"
    title = gettext_lazy("Advisories")
    summary = gettext_lazy(
        "Size against capacity, year-level mix, advisors' load, continuity and moves."
    )

    def sections(self, scope: Scope) -> list[Section]:
        advisories = data.advisory_rows(scope.advisories)
        sizes = data.sizes(scope.members, scope.year.start_date)
        mix = data.classes(scope.members)
        return [
            self.capacity(scope, advisories, sizes),
            self.levels(scope, advisories, mix),
            self.load(scope, advisories, sizes),
            self.continuity(scope, advisories, sizes),
        ]

    def capacity(self, scope, advisories, sizes) -> Section:
        rows, bars = [], []
        for pk, name, _advisor, *who, _class, seats in advisories:
            size = sizes.get(pk, (0, 0, 0))[0]
            rows.append(
                [
                    Cell(name),
                    Cell(person(*who)),
                    number(size, link(scope, self, "members", advisory=pk)),
                    number(seats),
                    number(seats - size),
                ]
            )
            bars.append(charts.Bar(name, size, f"{size} / {seats}"))
        title = _("Size against capacity")
        table = Table(
            "capacity",
            title,
            [_("Advisory"), _("Advisor"), _("Students"), _("Capacity"), _("Seats left")],
            rows,
        )
        chart = charts.bar_chart(
            chart_id="advisories-capacity",
            title=title,
            desc=_(
                "A bar per advisory: its number of students, written with its capacity "
                "after the bar. The table has the same numbers."
            ),
            bars=bars,
            maximum=max((seats for *_rest, seats in advisories), default=0),
        )
        return Section(title, table, chart, _("A negative number of seats left is over capacity."))

    def levels(self, scope, advisories, mix) -> Section:
        classes = [scope.graduating_class(level) for level in LEVELS]
        rows, stacks = [], []
        for pk, name, *_rest in advisories:
            counts = mix.get(pk, {})
            per_level = [counts.get(graduating_class, 0) for graduating_class in classes]
            other = sum(counts.values()) - sum(per_level)
            rows.append(
                [
                    Cell(name),
                    *(
                        number(count, link(scope, self, "level", advisory=pk, level=level))
                        for level, count in zip(LEVELS, per_level, strict=True)
                    ),
                    number(other),
                ]
            )
            stacks.append(charts.Stack(name, [*per_level, other]))
        title = _("Year-level mix")
        headers = [_("Advisory"), *(str(level) for level in LEVELS), _("Other")]
        chart = charts.stacked_chart(
            chart_id="advisories-levels",
            title=title,
            desc=_(
                "A bar per advisory split by year level (101 to 401, then any other), "
                "each part the number of students. The table has the same numbers."
            ),
            keys=headers[1:],
            stacks=stacks,
        )
        return Section(title, Table("levels", title, headers, rows), chart)

    def load(self, scope, advisories, sizes) -> Section:
        advisors: dict[int, list] = {}
        for pk, _name, advisor, *who, _class, seats in advisories:
            entry = advisors.setdefault(advisor, [person(*who), 0, 0, 0])
            entry[1] += 1
            entry[2] += sizes.get(pk, (0, 0, 0))[0]
            entry[3] += seats
        ordered = sorted(advisors.items(), key=lambda item: (-item[1][2], item[1][0]))
        rows = [
            [
                Cell(name),
                number(count),
                number(students, link(scope, self, "advisor", advisor=advisor)),
                number(seats),
            ]
            for advisor, (name, count, students, seats) in ordered
        ]
        title = _("Advisors' load")
        chart = charts.bar_chart(
            chart_id="advisories-load",
            title=title,
            desc=_("A bar per advisor: the students in their advisories. The table has more."),
            bars=[charts.Bar(name, students) for _a, (name, _c, students, _s) in ordered],
        )
        headers = [_("Advisor"), _("Advisories"), _("Students"), _("Seats")]
        return Section(title, Table("load", title, headers, rows), chart)

    def continuity(self, scope, advisories, sizes) -> Section:
        rows, bars = [], []
        for pk, name, *_rest in advisories:
            size, kept, moved = sizes.get(pk, (0, 0, 0))
            rows.append(
                [
                    Cell(name),
                    number(size, link(scope, self, "members", advisory=pk)),
                    number(kept, link(scope, self, "kept", advisory=pk)),
                    share(kept, size),
                    number(moved, link(scope, self, "moved", advisory=pk)),
                ]
            )
            bars.append(
                charts.Bar(name, round(100 * kept / size) if size else 0, share(kept, size).text)
            )
        title = _("Continuity and moves")
        headers = [
            _("Advisory"),
            _("Students"),
            _("Kept their advisor"),
            _("Share"),
            _("Moved in this year"),
        ]
        chart = charts.bar_chart(
            chart_id="advisories-continuity",
            title=title,
            desc=_(
                "A bar per advisory: the share of its students who have had the same advisor "
                "since they entered the school. The table has the numbers and the moves."
            ),
            bars=bars,
            maximum=100,
        )
        return Section(
            title,
            Table("continuity", title, headers, rows),
            chart,
            _(
                "Big Picture keeps a student with one advisor for four years; a student who "
                "was ever with another advisor has not kept theirs."
            ),
        )

    def drill(self, scope: Scope, measure: str, params):
        members = scope.members
        if measure == "advisor":
            advisor = params.get("advisor", "")
            if not advisor.isdigit():
                raise Http404("No such advisor.")
            members = members.filter(advisory__advisor_id=advisor)
            return _("Students of this advisor"), of(members)
        advisory = pick_advisory(scope, params)
        members = members.filter(advisory=advisory)
        if measure == "members":
            return _("Students in %(advisory)s") % {"advisory": advisory}, of(members)
        if measure == "kept":
            caption = _("Students in %(advisory)s who kept their advisor")
            return caption % {"advisory": advisory}, of(data.students_kept(members))
        if measure == "moved":
            caption = _("Students who moved into %(advisory)s this year")
            moved = data.students_moved(members, scope.year.start_date)
            return caption % {"advisory": advisory}, of(moved)
        if measure == "level":
            level = params.get("level", "")
            if not level.isdigit() or int(level) not in LEVELS:
                raise Http404("No such year level.")
            members = members.filter(student__graduating_class=scope.graduating_class(int(level)))
            caption = _("Students of year level %(level)s in %(advisory)s")
            return caption % {"level": level, "advisory": advisory}, of(members)
        raise Http404("No such number in this report.")

    def columns(self, scope: Scope) -> list[Column]:
        on_day = scope.members.filter(student_id=OuterRef("pk"))
        return [
            Column(
                _("Kept their advisor"),
                Case(
                    When(Exists(data.students_kept(on_day)), then=Value(_("yes"))),
                    default=Value(_("no")),
                ),
            ),
            Column(
                _("Moved in this year"),
                Case(
                    When(
                        Exists(data.students_moved(on_day, scope.year.start_date)),
                        then=Value(_("yes")),
                    ),
                    default=Value(_("no")),
                ),
            ),
        ]


REPORT = AdvisoriesReport()
