"""The dry run: what importing a roster into a school would create, update and end.

``check()`` reads the school's rows in a fixed number of queries (one per table, whatever
the file's size), matches the file's rows to them by sourcedId (``RosterKey``; an unknown
row by its natural key: a year's or an advisory's name, a person's email), and builds the
plan that ``run()`` (apply.py) writes. Every rule the database would enforce is checked
here first, so that a refused row is told with its file, line and column, and an import
that passes writes without surprise.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from advisories.models import Advisory, Membership
from bigpicture.models import School, SchoolYear, Term, User
from students.models import GuardianLink, RosterKey, Student
from students.roster.calendar import CalendarPlan
from students.roster.dataset import ABSENT, MAX_ERRORS, Dataset, RowError
from students.roster.people import PeoplePlan
from students.roster.places import PlacesPlan
from students.roster.rules import K, local

# The kinds' names are translated where they are shown ({% translate kind %}).
KINDS = (
    gettext_noop("schools"),
    gettext_noop("years"),
    gettext_noop("terms"),
    gettext_noop("students"),
    gettext_noop("guardians"),
    gettext_noop("advisors"),
    gettext_noop("advisories"),
    gettext_noop("enrollments"),
    gettext_noop("family links"),
)
OUTCOMES = ("created", "updated", "ended", "unchanged")


@dataclass
class Report:
    """What an import did or would do: counts per kind and outcome, and every row error."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: dict.fromkeys(OUTCOMES, 0) for kind in KINDS}
    )
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    dropped: int = 0  # errors past the listed ones

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[kind][outcome] += n

    def as_json(self) -> dict:
        return {
            "counts": self.counts,
            "errors": [error.as_json() for error in self.errors],
            "rows": self.rows,
            "dropped": self.dropped,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Report":
        report = cls(rows=data.get("rows", 0), dropped=data.get("dropped", 0))
        for kind, outcomes in data.get("counts", {}).items():
            report.counts.setdefault(kind, dict.fromkeys(OUTCOMES, 0)).update(outcomes)
        report.errors = [RowError(**error) for error in data.get("errors", [])]
        return report


@dataclass
class Plan:
    """The rows to write, as unsaved or changed model instances (new rows refer to each
    other as objects, so each takes its parent's key once the parent is inserted)."""

    report: Report
    school: School
    create: dict[type, list] = field(default_factory=lambda: defaultdict(list))
    update: dict[type, dict[int, tuple]] = field(default_factory=lambda: defaultdict(dict))
    keys: list[tuple[str, str, object]] = field(default_factory=list)  # kind, sid, row

    def changed(self, row, fields: set[str]) -> None:
        """Remember a changed row and the fields to write (merged if it changes twice)."""
        known = self.update[type(row)].get(id(row))
        self.update[type(row)][id(row)] = (row, fields | (known[1] if known else set()))

    @property
    def writes(self) -> bool:
        return bool(self.keys or any(self.create.values()) or any(self.update.values()))


def check(dataset: Dataset, school: School) -> Report:
    """The dry run: what an import of the dataset would do in the school, and every row
    error (the file's own and those only the school's rows can tell). Writes nothing."""
    return plan(dataset, school).report


def plan(dataset: Dataset, school: School, actor=None) -> Plan:
    """The report and the rows to write (``actor``: who records the new memberships)."""
    report = Report(errors=list(dataset.errors), rows=dataset.rows, dropped=dataset.dropped)
    result = Plan(report=report, school=school)
    if dataset.whole_file_refused:
        return result  # the archive, its manifest or a file's header: its rows are unknown
    _Planner(dataset, school, result, actor).run()
    return result


class _Planner(CalendarPlan, PeoplePlan, PlacesPlan):
    """Works out the plan, one kind of row after the other (each kind in its own module)."""

    def __init__(self, dataset: Dataset, school: School, result: Plan, actor=None):
        self.data = dataset
        self.school = school
        self.plan = result
        self.report = result.report
        self.today = school.today()
        self.keys: dict[str, dict[str, int]] = defaultdict(dict)
        self.keyed: dict[str, set[int]] = defaultdict(set)
        self.by_phone = None
        self.refused = set(dataset.refused)  # rows already told of: not told again as missing
        self.actor = actor

    def file(self, kind: str) -> str:
        return self.data.files.get(kind, f"{kind}.csv")

    def error(self, file: str, line: int | None, column: str, reason: str) -> None:
        column = self.data.columns.get(column, column)
        if len(self.report.errors) < MAX_ERRORS:
            self.report.errors.append(RowError(file, line, column, str(reason)))
        else:
            self.report.dropped += 1

    def key(self, kind: str, sid: str, row) -> None:
        """A new sourcedId for a row (an adopted or a new one)."""
        if sid and not local(sid):
            self.plan.keys.append((kind, sid, row))

    def run(self) -> None:
        self._load()
        if not self._org():
            return
        self._sessions()
        self._people()
        self._classes()
        self._enrollments()
        self._students()
        self._links()
        self._overlaps()

    def _load(self) -> None:
        school = self.school
        for kind, sid, object_id in RosterKey.objects.filter(school=school).values_list(
            "kind", "sourced_id", "object_id"
        ):
            self.keys[kind][sid] = object_id
            self.keyed[kind].add(object_id)
        self.years = {y.pk: y for y in SchoolYear.objects.filter(school=school)}
        self.terms = {t.pk: t for t in Term.objects.filter(school_year__school=school)}
        emails = [p.email for p in self.data.people if p.email]
        self.users = {u.pk: u for u in User.objects.filter(Q(school=school) | Q(email__in=emails))}
        self.students = {s.user_id: s for s in Student.objects.filter(school=school)}
        self.advisories = {a.pk: a for a in Advisory.objects.filter(school=school)}
        self.memberships = {m.pk: m for m in Membership.objects.filter(advisory__school=school)}
        self.membership_index = defaultdict(list)
        for m in self.memberships.values():
            self.membership_index[(m.student_id, m.advisory_id)].append(m)
        self.links = {
            (link.student_id, link.guardian_id): link
            for link in GuardianLink.objects.filter(student__school=school)
        }

    def _known(self, kind: str, sid: str, rows: dict):
        object_id = self.keys[kind].get(sid) if sid and not local(sid) else None
        return rows.get(object_id) if object_id is not None else None

    def _org(self) -> bool:
        data = self.data
        if data.format == "plain":  # one school's own list: no organisations in it
            self.org, self.other_schools, self.other_orgs = "#school", set(), set()
            self.report.count("schools", "unchanged")
            return True
        schools = [o for o in data.orgs if o.type == "school"]
        linked = set(self.keys[K.ORG])
        self.other_schools = {o.sid for o in schools} - linked
        self.other_orgs = {o.sid for o in data.orgs} - {o.sid for o in schools}
        mine = [o for o in schools if o.sid in linked]
        if mine:
            self.org = mine[0].sid
            self.report.count("schools", "unchanged")
        elif len(schools) == 1 and not linked:
            self.org = schools[0].sid
            self.other_schools.discard(self.org)
            self.key(K.ORG, self.org, self.school)
            self.report.count("schools", "updated")
        elif not schools and linked and data.mode("orgs") == ABSENT:
            self.org = next(iter(linked))
            self.report.count("schools", "unchanged")
        else:
            if linked:
                reason = _(
                    "This file is of another school: %(school)s was imported from a file whose "
                    "school has the sourcedId %(sid)s."
                ) % {"school": self.school, "sid": ", ".join(sorted(linked))}
            elif schools:
                reason = _(
                    "The file holds several schools: import the file of one school at a time."
                )
            else:
                reason = _("The file holds no organization of type school.")
            self.error(self.file("orgs"), None, "type", reason)
            return False
        return True

    def _school_ok(self, sid: str, file: str, line: int, column: str, what: str) -> bool:
        if sid == self.org:
            return True
        self.error(
            file,
            line,
            column,
            _("%(what)s of an unknown school (%(sid)s): this file imports %(school)s only.")
            % {"what": what, "sid": sid, "school": self.school},
        )
        return False

    def _set(self, row, kind: str, **values) -> bool:
        """Change a row's fields to the file's values; count it updated or unchanged (a parent
        compared by its key, so that no parent is fetched)."""
        changed = set()
        for name, value in values.items():
            if isinstance(value, Model):
                if value.pk is None or getattr(row, f"{name}_id") != value.pk:
                    changed.add(name)
            elif getattr(row, name) != value:
                changed.add(name)
        for name in changed:
            setattr(row, name, values[name])
        if changed and row.pk is not None:
            self.plan.changed(row, changed)
        if kind:
            self.report.count(kind, "updated" if changed else "unchanged")
        return bool(changed)
