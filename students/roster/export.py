"""A school's roster as a OneRoster 1.1 CSV zip: what another system, or this one, imports.

Each row is named by its sourcedId (``RosterKey``): the one an import gave it, or one made
on its first export and kept, so that the next export (and an import of this file back into
the school) names the same rows. Files are written in bulk mode: the whole roster.
"""

import csv
import io
import uuid
import zipfile
from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from advisories.models import Advisory, Membership
from bigpicture.models import School, SchoolYear, Term, User
from students.models import GuardianLink, RosterKey, Student
from students.roster.oneroster import COLUMNS, OTHER_FILES
from students.roster.rules import ROLE_OF_RELATIONSHIP

K = RosterKey.Kind
WRITTEN = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments")


def export_oneroster(school: School, out) -> None:
    """Write the school's roster as a OneRoster 1.1 CSV zip to a binary file object."""
    with transaction.atomic():
        rows = _Rows(school)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            _write(archive, "manifest", ["propertyName", "value"], _manifest())
            for kind in WRITTEN:
                _write(archive, kind, list(COLUMNS[kind]), getattr(rows, kind)())


def _write(archive: zipfile.ZipFile, kind: str, header: list[str], rows) -> None:
    with archive.open(f"{kind}.csv", "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
        text.flush()
        text.detach()


def _manifest():
    yield ["manifest.version", "1.0"]
    yield ["oneroster.version", "1.1"]
    for kind in (*COLUMNS, *OTHER_FILES):
        yield [f"file.{kind}", "bulk" if kind in WRITTEN else "absent"]
    yield ["source.systemName", "Big Picture"]
    yield ["source.systemCode", ""]


def _grade(graduating_class: int, year: SchoolYear | None) -> str:
    if year is None:
        return ""
    return f"{year.end_date.year + 12 - graduating_class:02d}"


class _Rows:
    """The school's rows, read in a fixed number of queries, and their sourcedIds (made and
    kept for the rows that have none)."""

    def __init__(self, school: School):
        self.school = school
        self.ids: dict[str, dict[int, str]] = {kind: {} for kind in K.values}
        for kind, sid, object_id in RosterKey.objects.filter(school=school).values_list(
            "kind", "sourced_id", "object_id"
        ):
            self.ids[kind][object_id] = sid
        self.years = list(SchoolYear.objects.filter(school=school).order_by("start_date"))
        self.terms = list(Term.objects.filter(school_year__school=school))
        self.current = SchoolYear.objects.current_for(school)
        self.students = list(Student.objects.filter(school=school).select_related("user"))
        self.links = list(
            GuardianLink.objects.filter(student__school=school).select_related("guardian")
        )
        self.advisories = list(Advisory.objects.filter(school=school))
        self.advisors = list(
            User.objects.filter(
                Q(is_advisor=True)
                | Q(pk__in=Advisory.objects.filter(school=school).values("advisor_id")),
                school=school,
            )
        )
        self.memberships = list(Membership.objects.filter(advisory__school=school))
        self.new_keys: list[RosterKey] = []
        self.org = self.sid(K.ORG, school.pk)
        for kind, rows in (
            (K.YEAR, self.years),
            (K.TERM, self.terms),
            (K.CLASS, self.advisories),
            (K.ENROLLMENT, self.memberships),
        ):
            for row in rows:
                self.sid(kind, row.pk)
        for user in (
            *(s.user for s in self.students),
            *self.advisors,
            *(link.guardian for link in self.links),
        ):
            self.sid(K.USER, user.pk)
        RosterKey.objects.bulk_create(self.new_keys, batch_size=1000)

    def sid(self, kind: str, object_id: int) -> str:
        known = self.ids[kind].get(object_id)
        if known is None:
            known = self.ids[kind][object_id] = str(uuid.uuid4())
            self.new_keys.append(
                RosterKey(school=self.school, kind=kind, sourced_id=known, object_id=object_id)
            )
        return known

    def orgs(self):
        yield [self.org, "active", "", self.school.name, "school", "", ""]

    def academicSessions(self):
        years = {}
        for year in self.years:
            years[year.pk] = sid = self.ids[K.YEAR][year.pk]
            yield [
                sid,
                "active",
                "",
                year.name,
                "schoolYear",
                year.start_date.isoformat(),
                year.end_date.isoformat(),
                "",
                str(year.end_date.year),
            ]
        ends = {year.pk: year.end_date.year for year in self.years}
        for term in self.terms:
            yield [
                self.ids[K.TERM][term.pk],
                "active",
                "",
                term.name,
                "term",
                term.start_date.isoformat(),
                term.end_date.isoformat(),
                years[term.school_year_id],
                str(ends[term.school_year_id]),
            ]

    def course(self) -> str:
        return f"{self.org}-advisory"

    def courses(self):
        yield [self.course(), "active", "", "", "Advisory", "", "", self.org, "", ""]

    def classes(self):
        term = self.ids[K.YEAR].get(self.current.pk, "") if self.current else ""
        for advisory in self.advisories:
            yield [
                self.ids[K.CLASS][advisory.pk],
                "active",
                "",
                advisory.name,
                _grade(advisory.graduating_class, self.current),
                self.course(),
                "",
                "homeroom",
                "",
                self.org,
                term,
                "",
                "",
                "",
            ]

    def _user(self, user: User, role: str, agents: str = "", grades: str = "") -> list:
        return [
            self.ids[K.USER][user.pk],
            "active",
            "",
            "true" if user.is_active else "false",
            self.org,
            role,
            user.email or "",
            "",
            user.first_name,
            user.last_name,
            "",
            "",
            user.email or "",
            "",
            str(user.phone or ""),
            agents,
            grades,
            "",
        ]

    def users(self):
        students = {s.pk: s for s in self.students}
        written = set()
        for student in self.students:
            written.add(student.user_id)
            grade = _grade(student.graduating_class, self.current)
            yield self._user(student.user, "student", grades=grade)
        for advisor in self.advisors:
            if advisor.pk not in written:
                written.add(advisor.pk)
                yield self._user(advisor, "teacher")
        families: dict[int, tuple[User, list]] = {}
        for link in self.links:
            families.setdefault(link.guardian_id, (link.guardian, []))[1].append(link)
        for guardian, links in families.values():
            if guardian.pk in written:
                continue
            agents = sorted(self.ids[K.USER][students[link.student_id].user_id] for link in links)
            role = min(ROLE_OF_RELATIONSHIP[link.relationship] for link in links)
            yield self._user(guardian, role, agents=",".join(agents))

    def enrollments(self):
        advisories = {a.pk: a for a in self.advisories}
        users = {s.pk: s.user_id for s in self.students}
        for advisory in self.advisories:
            klass = self.ids[K.CLASS][advisory.pk]
            advisor = self.ids[K.USER][advisory.advisor_id]
            yield [
                f"{klass}-teacher",
                "active",
                "",
                klass,
                self.org,
                advisor,
                "teacher",
                "true",
                "",
                "",
            ]
        for m in self.memberships:
            end = (m.end_date - timedelta(days=1)).isoformat() if m.end_date else ""
            yield [
                self.ids[K.ENROLLMENT][m.pk],
                "active",
                "",
                self.ids[K.CLASS][advisories[m.advisory_id].pk],
                self.org,
                self.ids[K.USER][users[m.student_id]],
                "student",
                "false",
                m.start_date.isoformat(),
                end,
            ]
