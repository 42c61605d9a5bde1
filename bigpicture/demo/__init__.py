"""Build a deterministic, realistic demo school with bulk inserts.

Four graduating classes, advisories of about fifteen with one advisor each and four years
of history, no two people of the same name (while the lists of names last), families who
prefer English and families who prefer Spanish (some with two children at the school), one
advisory placed over capacity by an admin, a student who transferred between advisories,
and a few newly enrolled students not yet placed; their
learning (students/demo), internships (internships/demo), and term reflections, advisory
attendance, tagged work and the early warning (expectations/demo).

The demo logins tell one story: the demo student is in the demo advisor's advisory, their
mother is the demo guardian (Spanish-speaking, with a second child at the school whose
internship waits for her consent), and the demo mentor mentors the student's internship.
"""

import gc
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from advisories.models import Advisory, Membership
from bigpicture import notifications
from bigpicture.bulk import insert_all, new, purge
from bigpicture.demo.names import (
    ADVISORY_NAMES,
    FEMALE_NAMES,
    FIRST_NAMES,
    INTERESTS,
    LAST_NAMES,
    MALE_NAMES,
    MOTIVATIONS,
    SPANISH_LAST_NAMES,
    STYLES,
    TALENTS,
)
from bigpicture.models import (
    Notification,
    NotificationPreference,
    ReminderSetting,
    School,
    SchoolYear,
    Term,
    User,
)
from expectations.demo import build_expectations, delete_expectations, early_warning
from internships.demo import Intern, build_internships, delete_internships
from students.demo import Family, build_learning, delete_learning
from students.models import GuardianLink, Student

DEMO_SLUG = "demo"
DEMO_PASSWORD = "bigpicture-demo"  # noqa: S105 - the published demo password
DOMAIN = "demo.bigpicture.school"


class _Names:
    """Full names no one in the school has yet, drawn from the lists (as Faker's ``unique``
    does): a drawn name already given is drawn again. Once a list's pairs run short (the
    benchmark's thousands of families), a name may repeat after a few tries."""

    TRIES = 40

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[tuple[str, str]] = set()

    def pick(self, firsts, lasts=(), *, last: str = "") -> tuple[str, str]:
        """A first name from ``firsts`` and a last name from ``lasts`` (or ``last``)."""
        choice = self.rng.choice
        for _try in range(self.TRIES):
            name = (choice(firsts), last or choice(lasts))
            if name not in self.taken:
                break
        self.taken.add(name)
        return name


@dataclass
class DemoLogins:
    admin: str = ""
    advisor: str = ""
    student: str = ""
    guardian: str = ""
    mentor: str = ""
    counts: dict = field(default_factory=dict)


YEAR_STARTS, YEAR_ENDS = (8, 25), (6, 15)  # (month, day): late August to mid-June


def school_year_start(today: date) -> int:
    """The calendar year in which the demo's current school year begins: the year running on
    ``today`` or, in the summer break, the next one (already set up, as schools do)."""
    return today.year if today > date(today.year, *YEAR_ENDS) else today.year - 1


@transaction.atomic
def build_demo_school(*, students: int = 120, seed: int = 2026, today: date | None = None):
    """Replace the demo school with a fresh one; return the logins to print."""
    rng = random.Random(seed)
    _delete_demo_school()
    school = School.objects.create(
        name="Harbor Big Picture High School",
        slug=DEMO_SLUG,
        time_zone="America/New_York",
        term_system=School.TermSystem.QUARTERS,
        advisory_capacity=15,
        # The demo logins work with the password alone (staff may still turn a code on).
        second_factor_for_admins=False,
    )
    today = today or school.today()  # the school's own date, as the hourly scan uses
    password = make_password(DEMO_PASSWORD)
    builder = _Builder(school=school, rng=rng, password=password, today=today)
    with _no_cycle_collection():
        years = builder.years()
        builder.staff()
        advisories = builder.advisories(students, years)
        builder.students(students, advisories, years)
        builder.guardians()
        builder.mentors()
        builder.learning(seed)
        builder.expectations(seed)
    _refresh_statistics()
    builder.logins.counts.update(early_warning(school=school, today=today))
    builder.reminders()
    return builder.logins


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector off while the rows are made: the builder holds over a
    million of them at the benchmark's size, none of them garbage, and the collector would
    walk them all again and again (a third of the builder's own time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _refresh_statistics() -> None:
    """After a bulk load, let PostgreSQL's planner see the real table sizes at once (every
    table: plans, logs and the rest were filled in the same go)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _advisory_name(n: int) -> str:
    base = ADVISORY_NAMES[n % len(ADVISORY_NAMES)]
    return base if n < len(ADVISORY_NAMES) else f"{base} {n // len(ADVISORY_NAMES) + 1}"


def _delete_demo_school() -> None:
    school = School.objects.filter(slug=DEMO_SLUG).first()
    if school is None:
        return
    # Each step one statement a table (see ``purge``), children before their parents.
    purge(Notification.objects.filter(school=school))
    purge(Notification.objects.filter(recipient__school=school))
    delete_expectations(school)
    delete_internships(school)
    delete_learning(school)
    purge(Membership.objects.filter(advisory__school=school))
    purge(Advisory.objects.filter(school=school))
    purge(GuardianLink.objects.filter(student__school=school))
    purge(Student.objects.filter(school=school))
    purge(User.objects.filter(school=school))
    purge(School.objects.filter(pk=school.pk))


class _Builder:
    def __init__(self, *, school, rng, password, today):
        self.school, self.rng, self.password, self.today = school, rng, password, today
        self.logins = DemoLogins()
        self.advisors: list[User] = []
        self.student_rows: list[Student] = []
        self.admin: User | None = None
        self.serial = 0
        self.names = _Names(rng)

    def _user(self, first, last, domain_part, **fields) -> User:
        self.serial += 1
        email = f"{first}.{last}.{self.serial}@{domain_part}.{DOMAIN}".lower()
        return new(
            User,
            email=email,
            first_name=first,
            last_name=last,
            school=self.school,
            password=self.password,
            **fields,
        )

    def years(self) -> list[SchoolYear]:
        start = school_year_start(self.today)
        years = SchoolYear.objects.bulk_create(
            SchoolYear(
                school=self.school,
                name=f"{y}-{y + 1}",
                start_date=date(y, *YEAR_STARTS),
                end_date=date(y + 1, *YEAR_ENDS),
            )
            for y in range(start - 3, start + 1)
        )
        terms = []
        for year in years:
            y = year.start_date.year
            bounds = [
                (date(y, *YEAR_STARTS), date(y, 10, 31)),
                (date(y, 11, 1), date(y + 1, 1, 23)),
                (date(y + 1, 1, 24), date(y + 1, 3, 31)),
                (date(y + 1, 4, 1), date(y + 1, *YEAR_ENDS)),
            ]
            terms += [
                Term(school_year=year, name=f"Quarter {i}", start_date=s, end_date=e)
                for i, (s, e) in enumerate(bounds, start=1)
            ]
        Term.objects.bulk_create(terms)
        return years

    def staff(self) -> None:
        self.names.taken.add(("Denise", "Okafor"))
        self.admin = self._user("Denise", "Okafor", "staff", is_school_admin=True)
        self.admin.email = f"admin@{DOMAIN}"
        self.admin.save()
        self.logins.admin = self.admin.email

    def advisories(self, total: int, years: list[SchoolYear]) -> dict[int, list[Advisory]]:
        """Advisories of about fifteen per graduating class, each with its own advisor."""
        current = years[-1]
        per_class = math.ceil(total / 4)
        by_class: dict[int, list[Advisory]] = {}
        advisors, advisories = [], []
        for offset in range(4):
            graduating = current.graduation_year + offset
            count = max(1, math.ceil(per_class / 15))
            for _index in range(count):
                first, last = self.names.pick(FIRST_NAMES, LAST_NAMES)
                advisor = self._user(first, last, "staff", is_advisor=True)
                advisors.append(advisor)
                advisories.append(
                    Advisory(
                        school=self.school,
                        name=_advisory_name(len(advisories)),
                        advisor=advisor,
                        graduating_class=graduating,
                    )
                )
        advisors[0].email = f"advisor@{DOMAIN}"
        self.advisors = insert_all(User, advisors)
        for advisory, advisor in zip(advisories, self.advisors, strict=True):
            advisory.advisor = advisor
        for advisory in insert_all(Advisory, advisories):
            by_class.setdefault(advisory.graduating_class, []).append(advisory)
        self.logins.advisor = self.advisors[0].email
        return by_class

    def students(self, total: int, by_class: dict, years: list[SchoolYear]) -> None:
        """Students spread over the four classes; memberships since each class began. The
        first is the demo student, a senior in the demo advisor's advisory (the first of the
        oldest class); the second their younger brother or sister."""
        current = years[-1]
        unplaced = min(3, max(1, total // 40))
        classes = sorted(by_class)
        users, profiles = [], []
        self.families = []
        for n in range(total):
            graduating = classes[n % 4]
            if n == 0:  # the demo student, of a family who prefers Spanish
                first, last = self.names.pick(FIRST_NAMES, sorted(SPANISH_LAST_NAMES))
                self.families.append([n])
            elif n == 1 or (len(self.families[-1]) == 1 and self.rng.random() < 0.12):
                # a brother or sister at the same school
                first, last = self.names.pick(FIRST_NAMES, last=users[-1].last_name)
                self.families[-1].append(n)
            else:
                first, last = self.names.pick(FIRST_NAMES, LAST_NAMES)
                self.families.append([n])
            users.append(self._user(first, last, "students", is_student=True))
            profiles.append(
                new(
                    Student,
                    school=self.school,
                    graduating_class=graduating,
                    enrolled_on=self._entered(current, graduating, min(by_class), self.today),
                    interests=self.rng.choice(INTERESTS),
                    talents=self.rng.choice(TALENTS),
                    learning_style=self.rng.choice(STYLES),
                    motivation=self.rng.choice(MOTIVATIONS),
                )
            )
        users[0].email = f"student@{DOMAIN}"
        for profile in profiles[-unplaced:]:  # enrolled last week, not placed yet
            profile.enrolled_on = self.today - timedelta(days=10)
        users = insert_all(User, users)
        for profile, user in zip(profiles, users, strict=True):
            profile.user = user
        self.student_rows = insert_all(Student, profiles)
        self.logins.student = users[0].email
        memberships = self._memberships(self.student_rows[:-unplaced], by_class, current)
        self.memberships = insert_all(Membership, memberships)

    @staticmethod
    def _entered(current: SchoolYear, graduating: int, oldest_class: int, today: date) -> date:
        """The first day of a class's first year (the oldest class began three years ago); in
        the summer, the incoming class has enrolled and joined its advisory by today."""
        years_ago = 3 - (graduating - oldest_class)
        first_day = current.start_date.replace(year=current.start_date.year - years_ago)
        return min(first_day, today)

    def _memberships(self, students, by_class, current) -> list[Membership]:
        first_class = min(by_class)
        # The first advisory of the oldest class is filled two over capacity by the admin.
        crowded = by_class[first_class][0]
        rows, filled = [], {}
        for student in students:
            advisories = by_class[student.graduating_class]
            advisory = advisories[filled.get(student.graduating_class, 0) % len(advisories)]
            filled[student.graduating_class] = filled.get(student.graduating_class, 0) + 1
            entered = student.enrolled_on
            rows.append(new(Membership, student=student, advisory=advisory, start_date=entered))
        extra = [
            r for r in rows if r.advisory.graduating_class == first_class and r.advisory != crowded
        ]
        for row in extra[:2]:
            row.advisory = crowded
            row.over_capacity_override = True
            row.override_reason = "Siblings kept together at the family's request"
            row.created_by = self.admin
        self._transfer(rows, by_class, current)
        return rows

    def _transfer(self, rows, by_class, current) -> None:
        """One student moved advisories last year: both memberships are kept (not the demo
        student, who stays with the demo advisor)."""
        demo_family = {id(student) for student in self.student_rows[:2]}
        for row in rows:
            advisories = by_class[row.advisory.graduating_class]
            if id(row.student) in demo_family:
                continue
            if len(advisories) > 1 and row.start_date < current.start_date:
                target = next(a for a in advisories if a != row.advisory)
                moved = current.start_date - timedelta(days=120)
                rows.append(
                    new(
                        Membership,
                        student=row.student,
                        advisory=target,
                        start_date=moved,
                        created_by=self.admin,
                    )
                )
                row.end_date = moved
                return

    def guardians(self) -> None:
        """One or two guardians per student; some families have two children here. The demo
        student's mother, who prefers Spanish, is the demo guardian."""
        users, links = [], []
        pick = self.names.pick
        for number, members in enumerate(self.families):
            family = [self.student_rows[n] for n in members]
            last = family[0].user.last_name
            spanish = last in SPANISH_LAST_NAMES and self.rng.random() < 0.7
            parents = [("mother", pick(FEMALE_NAMES, last=last)[0])]
            if self.rng.random() < 0.55:
                parents.append(("father", pick(MALE_NAMES, last=last)[0]))
            elif self.rng.random() < 0.2 and number > 0:
                parents = [("grandparent", pick(FIRST_NAMES, last=last)[0])]
            if number == 0:
                spanish = True
            for position, (relationship, first) in enumerate(parents):
                guardian = self._user(
                    first, last, "families", is_guardian=True, language="es" if spanish else "en"
                )
                # every family has a phone (555-01xx: numbers kept for fiction)
                guardian.phone = f"+140155501{self.serial % 100:02d}"
                if number == 0 and position == 0:
                    guardian.email = f"guardian@{DOMAIN}"
                    self.logins.guardian = guardian.email
                elif len(parents) == 1 and number % 17 == 9:
                    # a family reached only by phone: no address, so no account to sign in to
                    guardian.email = None
                    guardian.set_unusable_password()
                users.append(guardian)
                for child in family:
                    links.append(
                        new(
                            GuardianLink,
                            student=child,
                            guardian=guardian,
                            relationship=relationship,
                            is_primary_contact=position == 0,
                            lives_with_student=position == 0 or self.rng.random() < 0.6,
                        )
                    )
        insert_all(User, users)
        self.links = insert_all(GuardianLink, links)

    def reminders(self) -> None:
        """The demo guardian asked for the weekly email, sent any day; then run the scan."""
        guardian = User.objects.get(email=self.logins.guardian)
        NotificationPreference.objects.create(user=guardian, kind="progress", delivery="now")
        ReminderSetting.objects.create(school=self.school, rule="weekly_progress", days=0)
        self.logins.counts["reminders"] = notifications.scan(
            schools=[self.school], today=self.today
        )

    def mentors(self) -> None:
        """The demo mentor and two more; the builder of internships adds the others, each of
        a name no one in the school has."""
        named = [("Ruth", "Almeida"), ("Kwame", "Boateng"), ("Lena", "Fischer")]
        self.names.taken.update(named)
        mentors = [self._user(first, last, "mentors", is_mentor=True) for first, last in named]
        mentors[0].email = f"mentor@{DOMAIN}"
        self.mentor_ids = [mentor.pk for mentor in User.objects.bulk_create(mentors)]
        self.logins.mentor = mentors[0].email

    def learning(self, seed: int) -> None:
        """Plans, meetings, narratives and exhibitions of every placed student, term by term."""
        advisor_of = {
            m.student.pk: m.advisory.advisor_id for m in self.memberships if m.end_date is None
        }
        guardians: dict[int, list[int]] = {}
        for link in self.links:
            guardians.setdefault(link.student.pk, []).append(link.guardian.pk)
        families = [
            Family(
                student=student,
                advisor_id=advisor_of[student.pk],
                guardian_ids=guardians.get(pk, []),
            )
            for student in self.student_rows
            if (pk := student.pk) in advisor_of
        ]
        counts = build_learning(
            school=self.school,
            families=families,
            mentor_ids=self.mentor_ids,
            today=self.today,
            seed=seed,
        )
        self.logins.counts.update(counts)
        self.internships(families, seed)

    def expectations(self, seed: int) -> None:
        """Term reflections, advisory attendance, tagged work and check-ins."""
        counts = build_expectations(school=self.school, today=self.today, seed=seed)
        self.logins.counts.update(counts)

    def internships(self, families, seed: int) -> None:
        """Sites, mentors, placements in every state and months of daily logs."""
        year = SchoolYear.objects.current_for(self.school, today=self.today)
        interns = [
            Intern(
                student=family.student,
                advisor_id=family.advisor_id,
                guardian_ids=family.guardian_ids,
                year_level=year.year_level(family.student.graduating_class),
            )
            for family in families
        ]
        counts = build_internships(
            school=self.school,
            interns=interns,
            mentor_users=list(User.objects.filter(pk__in=self.mentor_ids).order_by("pk")),
            year=year,
            today=self.today,
            seed=seed,
            consenting_guardian=User.objects.get(email=self.logins.guardian).pk,
            approving_advisor=User.objects.get(email=self.logins.advisor).pk,
        )
        self.logins.counts.update(counts)
