"""Planning a roster's people: students and their profiles, advisors, guardians and their
links to the students (part of the dry run, plan.py)."""

from collections import Counter, defaultdict

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from advisories.models import Advisory, Membership
from bigpicture.models import EMAIL_UNAVAILABLE, User
from bigpicture.models.core import validate_deliverable_email
from students.models import GuardianLink, Student
from students.roster.dataset import TOBEDELETED, Person
from students.roster.rules import (
    GUARDIAN_ROLES,
    PERSON_KIND,
    RELATIONSHIP_OF_ROLE,
    ROLE_OF_RELATIONSHIP,
    K,
)


class PeoplePlan:
    """users.csv: a person matched by sourcedId, else by email (or a family's phone and name),
    else new; never deleted."""

    def _people(self) -> None:
        file = self.file("users")
        by_email = {u.email: u for u in self.users.values() if u.email}
        self.person: dict[str, Person] = {}
        self.user_of: dict[str, User] = {}  # a person's sid -> their (maybe new) User
        self.person_row: dict[int, Person] = {}  # id(User) -> the file's row for them
        emails: set[str] = set()
        for p in self.data.people:
            if p.role not in PERSON_KIND:
                continue  # administrators, aides, proctors: not part of this school's roster
            told = len(self.report.errors) + self.report.dropped
            self._one_person(p, file, by_email, emails)
            if len(self.report.errors) + self.report.dropped > told:
                self.refused.add(p.sid)

    def _one_person(self, p: Person, file: str, by_email: dict, emails: set[str]) -> None:
        """Match one row of users.csv to a person of the school, or plan them new."""
        if not self._person_ok(p, file, emails) or not self._orgs_ok(p, file):
            return
        user = self._known(K.USER, p.sid, self.users)
        if user is None and p.email:
            user = by_email.get(p.email)
            if user is not None and user.school_id != self.school.pk:
                self.error(file, p.line, "email", EMAIL_UNAVAILABLE)
                return
        if user is None and not p.email:
            user = self._phone_guardian(p)
        if (
            user is not None
            and p.sid
            and user.pk in self.keyed[K.USER]
            and (self.keys[K.USER].get(p.sid) != user.pk)
        ):
            self.error(
                file,
                p.line,
                "email",
                _("An earlier import gave this email address to another person."),
            )
            return
        if user is not None and p.sid and self.keys[K.USER].get(p.sid) != user.pk:
            self.key(K.USER, p.sid, user)
        if p.sid:
            self.person[p.sid] = p
        if p.status == TOBEDELETED:
            if user is not None:
                self.user_of[p.sid] = user
            return
        self._person(p, user)

    def _person_ok(self, p: Person, file: str, emails: set[str]) -> bool:
        if len(p.given) > 150 or len(p.family) > 150:
            self.error(file, p.line, "givenName", _("A name may have at most 150 characters."))
            return False
        if p.email:
            try:
                validate_email(p.email)
                validate_deliverable_email(p.email)
            except ValidationError as error:
                self.error(file, p.line, "email", error.messages[0])
                return False
            if p.email in emails:
                self.error(file, p.line, "email", _("This email address is on an earlier line."))
                return False
            emails.add(p.email)
        elif p.role not in GUARDIAN_ROLES and p.status != TOBEDELETED:
            self.error(
                file, p.line, "email", _("Enter an email address: it is how this person signs in.")
            )
            return False
        if p.phone:
            try:
                number = phonenumbers.parse(p.phone, settings.PHONENUMBER_DEFAULT_REGION)
                ok = phonenumbers.is_valid_number(number)
            except phonenumbers.NumberParseException:
                ok = False
            if not ok:
                self.error(
                    file,
                    p.line,
                    "phone",
                    _("“%(value)s” is not a phone number.") % {"value": p.phone},
                )
                return False
            p.phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        elif not p.email and p.status != TOBEDELETED:
            self.error(
                file,
                p.line,
                "email",
                _("Enter an email address or a phone number, so the school can reach them."),
            )
            return False
        return True

    def _orgs_ok(self, p: Person, file: str) -> bool:
        """A person of this school, or of an organisation above it (the district)."""
        if not p.orgs or self.org in p.orgs:
            return True
        for org in p.orgs:
            if org in self.other_schools or org not in self.other_orgs:
                self.error(
                    file,
                    p.line,
                    "orgSourcedIds",
                    _("A person of an unknown school (%(sid)s): this file imports %(school)s only.")
                    % {"sid": org, "school": self.school},
                )
                return False
        return True

    def _phone_guardian(self, p: Person) -> User | None:
        """The one guardian of the school with this phone and name and no sourcedId yet."""
        if self.by_phone is None:
            self.by_phone = defaultdict(list)
            for u in self.users.values():
                if u.school_id == self.school.pk and u.is_guardian and u.phone:
                    self.by_phone[str(u.phone)].append(u)
        found = [
            u
            for u in self.by_phone.get(p.phone, [])
            if u.first_name.lower() == p.given.lower()
            and u.last_name.lower() == p.family.lower()
            and u.pk not in self.keyed[K.USER]
        ]
        return found[0] if len(found) == 1 else None

    def _person(self, p: Person, user: User | None) -> None:
        kind = PERSON_KIND[p.role]
        flag = {"students": "is_student", "advisors": "is_advisor", "guardians": "is_guardian"}[
            kind
        ]
        if user is None:
            user = User(
                school=self.school,
                email=p.email or None,
                phone=p.phone,
                first_name=p.given,
                last_name=p.family,
                is_active=p.enabled,
                password=make_password(None),
                **{flag: True},
            )
            self.plan.create[User].append(user)
            self.key(K.USER, p.sid, user)
            self.report.count(kind, "created")
        else:
            values = {
                "first_name": p.given,
                "last_name": p.family,
                flag: True,
                "is_active": p.enabled,
            }
            if p.email:
                values["email"] = p.email
            if p.phone:
                values["phone"] = p.phone
            if str(user.phone) == values.get("phone"):
                values.pop("phone")
            self._set(user, kind, **values)
        if p.sid:
            self.user_of[p.sid] = user
        self.person_row[id(user)] = p

    def _students(self) -> None:
        file = self.file("users")
        self.new_student: dict[int, Student] = {}
        for sid, p in self.person.items():
            if p.role != "student" or p.status == TOBEDELETED or sid not in self.user_of:
                continue
            user = self.user_of[sid]
            placed = self.placed.get(sid, [])
            graduating = p.graduating_class
            if graduating is None:
                years = {self._grade_year(g) for g in p.grades} - {None}
                if p.grades and not years:
                    self.error(
                        file,
                        p.line,
                        "grades",
                        _("“%(value)s” is not a grade from 01 to 12.")
                        % {"value": ",".join(p.grades)},
                    )
                    continue
                graduating = min(years) if years else None
            if graduating is None:
                classes = [
                    m.planned_advisory.graduating_class
                    for m in placed
                    if m.planned_advisory.graduating_class
                ]
                graduating = classes[-1] if classes else None
            student = self.students.get(user.pk) if user.pk else None
            if graduating is None and student is None:
                self.error(file, p.line, "grades", _("Give the student's grade (09 to 12)."))
                continue
            starts = [m.start_date for m in placed]
            if student is None:
                student = Student(
                    user=user,
                    school=self.school,
                    graduating_class=graduating,
                    enrolled_on=min(starts) if starts else self.today,
                )
                self.plan.create[Student].append(student)
            elif (
                graduating is not None
                and self._set(student, "", graduating_class=graduating)
                and id(user) not in self.plan.update[User]
            ):
                # only the profile changed: the person was counted unchanged
                self.report.count("students", "unchanged", -1)
                self.report.count("students", "updated")
            self.new_student[id(user)] = student
            for m in placed:
                m.student = student
        for advisory in self.plan.create[Advisory]:
            if not advisory.graduating_class:
                classes = Counter(
                    m.student.graduating_class
                    for ms in self.placed.values()
                    for m in ms
                    if m.planned_advisory is advisory and getattr(m, "student", None) is not None
                )
                if not classes:
                    self.error(
                        self.file("classes"),
                        advisory.line,
                        "grades",
                        _("Give the homeroom's grade (09 to 12)."),
                    )
                    continue
                advisory.graduating_class = classes.most_common(1)[0][0]
        # A membership whose student was refused cannot be made (the refusal is told).
        self.plan.create[Membership] = [
            m
            for m in self.plan.create[Membership]
            if m.student_id is not None or getattr(m, "student", None) is not None
        ]

    def _links(self) -> None:
        file = self.file("users")
        pairs: dict[tuple, tuple[Person, str]] = {}
        for p in self.person.values():
            if p.status == TOBEDELETED:
                continue
            if p.role in GUARDIAN_ROLES:
                if not p.agents:
                    self.error(
                        file,
                        p.line,
                        "agentSourcedIds",
                        _("A guardian needs agentSourcedIds naming their student."),
                    )
                for agent in p.agents:
                    if self._student(agent) is None:
                        if agent in self.refused:
                            continue
                        self.error(
                            file,
                            p.line,
                            "agentSourcedIds",
                            _("“%(sid)s” is not a student in this file or at the school.")
                            % {"sid": agent},
                        )
                        continue
                    pairs[(agent, p.sid)] = (p, p.relationship or RELATIONSHIP_OF_ROLE[p.role])
            elif p.role == "student":
                for agent in p.agents:
                    guardian = self.person.get(agent)
                    if (
                        guardian is not None
                        and guardian.role in GUARDIAN_ROLES
                        and (p.sid, agent) not in pairs
                    ):
                        pairs[(p.sid, agent)] = (guardian, RELATIONSHIP_OF_ROLE[guardian.role])
        has_primary = {s for s, _g in self.links if self.links[(s, _g)].is_primary_contact}
        for (student_sid, guardian_sid), (person, relationship) in pairs.items():
            student = self._student(student_sid)
            guardian = self.user_of.get(guardian_sid)
            if student is None or guardian is None:
                continue
            if guardian is student._state.fields_cache.get("user") or (
                guardian.pk is not None and guardian.pk == student.user_id
            ):
                self.error(
                    file,
                    person.line,
                    "agentSourcedIds",
                    _("A student cannot be their own guardian."),
                )
                continue
            link = self.links.get((student.pk, guardian.pk)) if student.pk and guardian.pk else None
            if link is None:
                link = GuardianLink(
                    student=student,
                    guardian=guardian,
                    relationship=relationship,
                    is_primary_contact=id(student) not in has_primary
                    and student.pk not in has_primary,
                )
                has_primary.add(id(student))
                self.plan.create[GuardianLink].append(link)
                self.report.count("family links", "created")
            elif person.relationship:  # the plain CSV says it outright
                self._set(link, "family links", relationship=person.relationship)
            elif ROLE_OF_RELATIONSHIP[link.relationship] != person.role:
                self._set(link, "family links", relationship=relationship)
            else:
                self.report.count("family links", "unchanged")

    def _student(self, sid: str) -> Student | None:
        user = self.user_of.get(sid) or self._known(K.USER, sid, self.users)
        if user is None:
            return None
        if user.pk is not None and user.pk in self.students:
            return self.students[user.pk]
        return self.new_student.get(id(user))
