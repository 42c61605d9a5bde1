"""Planning a roster's advisories and the students' places in them (part of the dry run,
plan.py)."""

import itertools
from collections import defaultdict
from datetime import date, timedelta

from django.utils.translation import gettext as _

from advisories.models import Advisory, Membership
from bigpicture.models import User
from students.roster.dataset import BULK, TOBEDELETED, Enrollment, Klass
from students.roster.rules import K, local


class PlacesPlan:
    """classes.csv and enrollments.csv: a homeroom is an Advisory, a student's enrolment in it
    a Membership; scheduled classes are read and left aside."""

    def _classes(self) -> None:
        file = self.file("classes")
        teachers = defaultdict(list)
        for e in self.data.enrollments:
            if e.role == "teacher" and e.status != TOBEDELETED:
                teachers[e.klass].append(e)
        by_name = {a.name: a for a in self.advisories.values()}
        self.klass: dict[str, Klass] = {}
        self.advisory_of: dict[str, Advisory] = {}
        self.class_start: dict[str, date] = {}
        titles: set[str] = set()
        for c in self.data.classes:
            if not self._school_ok(c.school, file, c.line, "schoolSourcedId", _("A class")):
                self.refused.add(c.sid)
                continue
            self.klass[c.sid] = c
            if c.class_type != "homeroom":
                continue
            starts = [self.session_start[t] for t in c.terms if t in self.session_start]
            if starts:
                self.class_start[c.sid] = min(starts)
            title = c.title[:120]
            if title in titles:
                self.error(
                    file, c.line, "title", _("Another homeroom of this file has this title.")
                )
                continue
            titles.add(title)
            advisory = self._known(K.CLASS, c.sid, self.advisories)
            if advisory is None and (advisory := by_name.get(title)) is not None:
                if advisory.pk in self.keyed[K.CLASS] and not local(c.sid):
                    self.error(
                        file,
                        c.line,
                        "title",
                        _("An advisory of this name exists, imported under another sourcedId."),
                    )
                    continue
                self.key(K.CLASS, c.sid, advisory)
            if advisory is None and local(c.sid):
                self.error(file, c.line, "advisory", _("The school has no advisory of this name."))
                continue
            if c.status == TOBEDELETED:
                if advisory is not None:
                    self.advisory_of[c.sid] = advisory
                continue
            advisor = self._advisor(c, teachers[c.sid], advisory)
            if advisor is None:
                continue
            graduating = self._class_year(c.grades)
            if advisory is None:
                if graduating is None:
                    graduating = 0  # settled from its students (``_students``)
                advisory = Advisory(
                    school=self.school, name=title, advisor=advisor, graduating_class=graduating
                )
                self.plan.create[Advisory].append(advisory)
                self.key(K.CLASS, c.sid, advisory)
                self.report.count("advisories", "created")
            else:
                values = {"name": title, "advisor": advisor}
                if graduating is not None:
                    values["graduating_class"] = graduating
                self._set(advisory, "advisories", **values)
            advisory.line = c.line
            self.advisory_of[c.sid] = advisory

    def _advisor(self, c: Klass, teachers: list[Enrollment], advisory) -> User | None:
        teachers.sort(key=lambda e: (not e.primary, e.line))
        for e in teachers:
            user = self.user_of.get(e.user) or self._known(K.USER, e.user, self.users)
            if user is None and e.user in self.refused:
                return None
            if user is None:
                self.error(
                    self.file("enrollments"),
                    e.line,
                    "userSourcedId",
                    _("No teacher has this sourcedId."),
                )
                return None
            if not user.is_advisor:
                self.error(
                    self.file("enrollments"),
                    e.line,
                    "userSourcedId",
                    _("This person is not a teacher of the school."),
                )
                return None
            return user
        if advisory is not None and local(c.sid):
            return (
                self.users.get(advisory.advisor_id) or advisory.advisor
            )  # the plain CSV names an advisory, not its advisor
        self.error(
            self.file("classes"),
            c.line,
            "sourcedId",
            _("A homeroom needs a teacher: enroll one with role teacher (primary)."),
        )
        return None

    def _class_year(self, grades: list[str]) -> int | None:
        """The graduating class of a grade in the school's current year: a student in grade
        12 graduates at the end of this year, one in grade 9 three years later."""
        years = {self._grade_year(g) for g in grades} - {None}
        return years.pop() if len(years) == 1 else None

    def _grade_year(self, grade: str) -> int | None:
        if not grade.isdigit() or self.current_year is None:
            return None
        year = self.current_year.end_date.year + 12 - int(grade)
        return year if 2000 <= year <= 2200 else None

    def _enrollments(self) -> None:
        file = self.file("enrollments")
        self.placed: dict[str, list] = defaultdict(list)  # student sid -> memberships
        self.ending: dict[int, date] = {}  # membership pk -> its end
        seen_memberships = set()
        student_of_user = {s.user_id: s for s in self.students.values()}
        for e in self.data.enrollments:
            if e.role != "student":
                continue
            if e.school and not self._school_ok(
                e.school, file, e.line, "schoolSourcedId", _("An enrollment")
            ):
                continue
            klass = self.klass.get(e.klass)
            advisory = self.advisory_of.get(e.klass) or self._known(
                K.CLASS, e.klass, self.advisories
            )
            if klass is None and advisory is None:
                if e.klass in self.refused:
                    continue
                if local(e.klass):
                    self.error(
                        file, e.line, "advisory", _("The school has no advisory of this name.")
                    )
                else:
                    self.error(file, e.line, "classSourcedId", _("No class has this sourcedId."))
                continue
            if klass is not None and klass.class_type != "homeroom":
                continue  # scheduled classes: not advisories
            user = self.user_of.get(e.user) or self._known(K.USER, e.user, self.users)
            person = self.person.get(e.user)
            if user is None and e.user in self.refused:
                continue
            if (
                user is None
                or (person is None and user.pk not in student_of_user)
                or (person is not None and person.role != "student")
            ):
                self.error(file, e.line, "userSourcedId", _("No student has this sourcedId."))
                continue
            membership = self._known(K.ENROLLMENT, e.sid, self.memberships)
            if membership is not None:
                seen_memberships.add(membership.pk)
            if e.status == TOBEDELETED:
                if membership is not None and membership.end_date is None:
                    self._end(membership, e.end + timedelta(days=1) if e.end else None)
                continue
            if advisory is None:
                continue  # its class was refused: told there
            start = (
                e.begin
                or self.class_start.get(e.klass)
                or (self.current_year.start_date if self.current_year else self.today)
            )
            end = e.end + timedelta(days=1) if e.end else None
            if membership is None:
                membership = self._membership_like(user, advisory, start, e)
                if membership is not None:
                    seen_memberships.add(membership.pk)
            if membership is None:
                membership = Membership(
                    advisory=advisory, start_date=start, end_date=end, created_by=self.actor
                )
                if user.pk in student_of_user:
                    membership.student = student_of_user[user.pk]
                self.plan.create[Membership].append(membership)
                self.key(K.ENROLLMENT, e.sid, membership)
                self.report.count("enrollments", "created")
            else:
                if local(e.sid):
                    # the plain CSV names where a student is: their place stays as it is
                    start, end = membership.start_date, membership.end_date
                values = {"advisory": advisory, "start_date": start, "end_date": end}
                self._set(membership, "enrollments", **values)
            membership.line = e.line
            membership.planned_advisory = advisory
            self.placed[e.user].append(membership)
        self._end_missing(seen_memberships)

    def _membership_like(self, user, advisory, start, e) -> Membership | None:
        """An unkeyed membership of the student in the advisory the file means: starting that
        day (OneRoster), or open now (the plain CSV, which names where a student is)."""
        if user.pk is None or advisory.pk is None:
            return None
        student = self.students.get(user.pk)
        if student is None:
            return None
        for m in self.membership_index[(student.pk, advisory.pk)]:
            if m.pk in self.keyed[K.ENROLLMENT]:
                continue
            if m.start_date == start or (local(e.sid) and m.end_date is None):
                self.key(K.ENROLLMENT, e.sid, m)
                return m
        return None

    def _end(self, membership: Membership, end: date | None) -> None:
        end = max(end or self.today, membership.start_date)
        membership.end_date = end
        self.plan.changed(membership, {"end_date"})
        self.ending[membership.pk] = end
        self.report.count("enrollments", "ended")

    def _end_missing(self, seen: set[int]) -> None:
        """In a bulk file, an enrolment no longer listed has ended (today); a student no
        longer listed has left: their enrolments end. The people stay."""
        gone_users = set()
        if self.data.mode("users") == BULK:
            listed = {self.keys[K.USER].get(p.sid) for p in self.data.people}
            gone_users = self.keyed[K.USER] - listed
            for p in self.data.people:
                if p.status == TOBEDELETED and p.sid in self.keys[K.USER]:
                    gone_users.add(self.keys[K.USER][p.sid])
        else:
            gone_users = {
                self.keys[K.USER][p.sid]
                for p in self.data.people
                if p.status == TOBEDELETED and p.sid in self.keys[K.USER]
            }
        gone_students = {s.pk for s in self.students.values() if s.user_id in gone_users}
        bulk = self.data.mode("enrollments") == BULK
        for m in self.memberships.values():
            if m.end_date is not None or m.pk in self.ending:
                continue
            missing = bulk and m.pk in self.keyed[K.ENROLLMENT] and m.pk not in seen
            if missing or m.student_id in gone_students:
                self._end(m, None)

    def _overlaps(self) -> None:
        """A student is in one advisory at a time: memberships of the file that overlap each
        other or one kept in the school are refused; a membership made by hand and still open
        ends when the file's starts (a move)."""
        by_student = defaultdict(list)
        for m in self.memberships.values():
            by_student[m.student_id].append(m)
        for m in self.plan.create[Membership]:
            student = m.student
            by_student[student.pk if student.pk else id(student)].append(m)
        far = date.max
        for memberships in by_student.values():
            memberships.sort(key=lambda m: m.start_date)
            for before, after in itertools.pairwise(memberships):
                if (before.end_date or far) <= after.start_date:
                    continue
                by_hand = before.pk is not None and before.pk not in self.keyed[K.ENROLLMENT]
                if by_hand and before.end_date is None and before.start_date < after.start_date:
                    self._end(before, after.start_date)
                    continue
                line = getattr(after, "line", None) or getattr(before, "line", None)
                self.error(
                    self.file("enrollments"),
                    line,
                    "beginDate",
                    _("The student is already in another advisory during these dates."),
                )
