"""The demo school's internships: sites across the career clusters, mentors (one with a check
expired, one pending), opportunities, explorations by the younger students, placements in
every state of the pipeline with their history, months of daily logs (most confirmed, some
waiting, a few disputed, one internship gone quiet), site visits, evaluations and messages.

Every internship's story runs in order and nothing claims to have happened after today: the
student proposed it, the advisor approved it, the family consented and the mentor accepted
it, each some days after the last, before its first day; one still being arranged took its
last step in the past few days; one that ended did so after its last logged day. Each day's
log is about the site's own work. Deterministic, written with bulk inserts."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from bigpicture.bulk import insert_all, new, purge
from bigpicture.models import School, SchoolYear, User
from internships.demo.texts import LOG_TEXTS, MENTOR_FIRST_NAMES, MENTOR_LAST_NAMES, SITES
from internships.models import (
    RUBRIC_KEYS,
    DailyLog,
    Evaluation,
    Exploration,
    HoursTarget,
    Mentor,
    Message,
    Opportunity,
    Placement,
    PlacementEvent,
    Site,
    SiteVisit,
)
from students.demo.stamps import restamp

BATCH = 2000
Status = Placement.Status


@dataclass
class Intern:
    student: object  # students.models.Student
    advisor_id: int
    guardian_ids: list[int]
    year_level: int | None


def build_internships(
    *,
    school: School,
    interns: list[Intern],
    mentor_users: list[User],
    year: SchoolYear,
    today: date,
    seed: int,
    consenting_guardian: int | None = None,
    approving_advisor: int | None = None,
) -> dict[str, int]:
    """Write the school's internships; return how many rows of each kind.

    ``consenting_guardian``: a guardian whose child's internship waits for their consent;
    ``approving_advisor``: an advisor with a proposal waiting for their approval.
    """
    rng = random.Random(seed)
    builder = _Internships(school, interns, mentor_users, year, today, rng, consenting_guardian)
    builder.approving_advisor = builder.demo_advisor = approving_advisor
    return builder.build()


class _Internships:
    def __init__(self, school, interns, mentor_users, year, today, rng, consenting_guardian):
        self.school, self.interns, self.year = school, interns, year
        self.today, self.rng = today, rng
        self.mentor_users = mentor_users
        self.consenting_guardian = consenting_guardian
        self.approving_advisor: int | None = None
        self.demo_advisor: int | None = None  # their one proposal to approve is the one above
        self.rows: dict[str, list] = {}
        self.log_windows: list[tuple[Placement, date, date, bool]] = []
        self.event_times: list[tuple[PlacementEvent, datetime]] = []
        self.proposed_times: list[tuple[Placement, datetime]] = []
        # The moment the demo is built, in its story: nothing is stamped later than this.
        self.now = datetime.combine(today, time(0, 0), tzinfo=school.zone)

    def add(self, kind, row):
        self.rows.setdefault(kind, []).append(row)
        return row

    def at(self, day: date, hour: int = 16) -> datetime:
        return datetime.combine(day, time(hour, 0), tzinfo=self.school.zone)

    def before_now(self, moment: datetime, fallback: datetime) -> datetime:
        """``moment``, or ``fallback`` if it has not come yet."""
        return moment if moment < self.now else fallback

    def build(self) -> dict[str, int]:
        HoursTarget.objects.bulk_create(
            HoursTarget(school=self.school, year_level=level, hours=hours)
            for level, hours in ((101, 60), (201, 80), (301, 100), (401, 120))
        )
        self._directory()
        for intern in self.interns:
            self._intern(intern)
        return self._save()

    # -- the directory ------------------------------------------------------------------------

    def _directory(self) -> None:
        """A dozen sites (more, with branches, for a large school) and about one mentor for
        every four students, so each mentor has one or two interns."""
        rounds = max(1, round(len(self.interns) / 300))
        specs = [
            (n, f"{site[0]} ({round_ + 1})" if round_ else site[0], *site[1:])
            for round_ in range(rounds)
            for n, site in enumerate(SITES)
        ]
        self.site_titles = {}
        self.site_texts = {}
        sites = []
        reviewed = min(self.year.start_date, self.today)  # safety reviews done, not planned
        for n, (index, organization, cluster, industry, title, tags) in enumerate(specs):
            sites.append(
                Site(
                    school=self.school,
                    organization=organization,
                    address=f"{10 + n * 7} {self.rng.choice(['Water', 'Main', 'Elm'])} Street",
                    cluster=cluster,
                    industry=industry,
                    safety_reviewed_on=reviewed - timedelta(days=20 + index),
                )
            )
            self.site_titles[organization] = (title, tags)
            self.site_texts[organization] = LOG_TEXTS[industry]
        self.sites = Site.objects.bulk_create(sites)
        wanted = max(len(SITES) + len(self.mentor_users), len(self.interns) // 4)
        extra = [
            User(
                email=f"{first}.{last}.mentor{n}@mentors.demo.bigpicture.school".lower(),
                first_name=first,
                last_name=last,
                school=self.school,
                is_mentor=True,
                password=make_password(None),  # mentors sign in with one-time links
            )
            for n, (first, last) in enumerate(self._mentor_names(wanted - len(self.mentor_users)))
        ]
        users = self.mentor_users + User.objects.bulk_create(extra, batch_size=BATCH)
        self.mentors = Mentor.objects.bulk_create(
            [self._mentor(n, user, len(users)) for n, user in enumerate(users)], batch_size=BATCH
        )
        # Interns go to mentors whose check holds as long as any internship the demo writes.
        self.placeable = [m for m in self.mentors if not m.placement_refusal(self.horizon)]
        Opportunity.objects.bulk_create(
            Opportunity(
                site=site,
                mentor=next((m for m in self.placeable if m.site_id == site.pk), None),
                title=self.site_titles[site.organization][0],
                description=f"Work alongside the team at {site.organization}.",
                interests=self.site_titles[site.organization][1],
            )
            for site in self.sites
        )

    def _mentor_names(self, count: int) -> list[tuple[str, str]]:
        """``count`` names no one in the school has (in a shuffled order of the pairs); if
        the pairs run out, they are used again."""
        taken = set(User.objects.filter(school=self.school).values_list("first_name", "last_name"))
        pairs = [(f, last) for f in MENTOR_FIRST_NAMES for last in MENTOR_LAST_NAMES]
        random.Random(len(pairs)).shuffle(pairs)
        free = [pair for pair in pairs if pair not in taken] or pairs
        return [free[n % len(free)] for n in range(count)]

    @property
    def horizon(self) -> date:
        """The last day of any internship the demo writes (see ``_dates``)."""
        return max(self.year.end_date, self.today + timedelta(days=120))

    def _mentor(self, n: int, user: User, total: int) -> Mentor:
        """Most checks cleared this year, good for two years; one ran out, one is pending,
        one expires soon."""
        check = Mentor.Check.CLEARED
        checked = self.today - timedelta(days=60 + n * 9 % 200)
        expires = checked + timedelta(days=730)
        if n == total - 1:  # a check that ran out: this mentor cannot take interns
            checked, expires = self.today - timedelta(days=400), self.today - timedelta(days=35)
        elif n == total - 2:
            check, checked, expires = Mentor.Check.PENDING, None, None
        elif n == 2:  # expires soon: the admins hear of it
            expires = self.today + timedelta(days=12)
        return Mentor(
            user=user,
            site=self.sites[n % len(self.sites)],
            job_title=self.rng.choice(["Shop lead", "Program manager", "Supervisor"]),
            phone=f"401-555-{1000 + n % 9000:04d}",
            background_check=check,
            checked_on=checked,
            check_expires_on=expires,
        )

    # -- each student -------------------------------------------------------------------------

    def _intern(self, intern: Intern) -> None:
        level = intern.year_level or 101
        student = intern.student
        if student.user.email.startswith("student@"):  # the demo student, with mentor@
            self._placement(intern, Status.ACTIVE, mentor=self.placeable[0])
            return
        if self.consenting_guardian in intern.guardian_ids:
            self.consenting_guardian = None  # one child waits for this family's consent
            self._placement(intern, Status.APPROVED, mentor=self.placeable[1])
            return
        if self.approving_advisor == intern.advisor_id:
            self.approving_advisor = None  # one proposal waits for this advisor
            self._placement(intern, Status.PROPOSED, mentor=self.placeable[2])
            return
        if level <= 201:
            for n in range(self.rng.randint(0, 2)):
                self.add(
                    "explorations",
                    new(
                        Exploration,
                        student=student,
                        kind=Exploration.Kind.INTERVIEW if n == 0 else Exploration.Kind.SHADOW,
                        site=self.rng.choice(self.sites),
                        on=self.today - timedelta(days=self.rng.randint(10, 60)),
                        reflection="I learned what a normal day looks like and what they study.",
                    ),
                )
            if level == 201 and self.rng.random() < 0.25:
                self._placement(intern, self._pipeline_state(intern))
            return
        if level == 401 and self.rng.random() < 0.5:
            self._placement(intern, Status.COMPLETED, last_year=True)
        roll = self.rng.random()
        if roll < 0.6:
            self._placement(intern, Status.ACTIVE, quiet=self.rng.random() < 0.06)
        elif roll < 0.8:
            self._placement(intern, self._pipeline_state(intern))
        elif roll < 0.83:
            self._placement(intern, Status.ENDED)

    def _pipeline_state(self, intern: Intern) -> str:
        """A step of the pipeline; the demo advisor has one proposal waiting, no more."""
        if intern.advisor_id == self.demo_advisor:
            return self.rng.choice([Status.APPROVED, Status.CONSENTED])
        return self.rng.choice([Status.PROPOSED, Status.APPROVED, Status.CONSENTED])

    def _placement(self, intern, status, *, mentor=None, last_year=False, quiet=False) -> None:
        mentor = mentor or self.rng.choice(self.placeable)
        site = next(s for s in self.sites if s.pk == mentor.site_id)
        start, end = self._dates(status, last_year)
        opportunity_title = self.site_titles[site.organization][0]
        placement = self.add(
            "placements",
            new(
                Placement,
                student=intern.student,
                site=site,
                mentor=mentor,
                status=status,
                project=opportunity_title,
                project_description="A real piece of the site's work, shown at exhibition.",
                days=["tue", "thu"],
                starts_at_time=time(9, 0),
                ends_at_time=time(13, 0),
                start_on=start,
                end_on=end,
                review_on=start + (end - start) / 2,
                proposed_by_id=intern.student.user_id,
            ),
        )
        until = None
        if status in (Status.ACTIVE, Status.COMPLETED, Status.ENDED):
            until = min(self.today - timedelta(days=1), end)
            if status == Status.ENDED:
                until = min(until, start + timedelta(days=40))
            if quiet:
                until = self.today - timedelta(days=20)
            self.log_windows.append((placement, start, until, status == Status.ACTIVE))
            self._visit_and_evaluation(placement, intern, start, last_year)
        ended = until + timedelta(days=1) if status in (Status.COMPLETED, Status.ENDED) else None
        self._history(placement, intern, status, start, ended)

    def _dates(self, status: str, last_year: bool) -> tuple[date, date]:
        """First and last day of an internship, true on any day of the year: last year's ran
        from autumn to spring; one under way began in the year's first weeks, or, early in a
        year and in the summer break, months ago as a summer internship that runs on; one still
        being arranged starts within a month and lasts at least two, into the summer if the
        year ends sooner. A summer internship ends a month into the new school year."""
        year, today, day = self.year, self.today, timedelta(days=1)
        if last_year:
            return year.start_date - 300 * day, year.start_date - 80 * day
        if status in (Status.ACTIVE, Status.ENDED):
            spread = self.rng.randint(0, 14) * day
            start = min(year.start_date + 21 * day + spread, today - 70 * day - spread)
            if today < year.start_date:  # the summer break: it ends in the new year's first weeks
                return start, year.start_date + 30 * day + spread
            return start, max(year.end_date - 10 * day, today + 30 * day + spread)
        start = today + self.rng.randint(7, 30) * day
        return start, max(year.end_date - 10 * day, start + 60 * day)

    def _history(self, placement, intern, status, start, ended: date | None) -> None:
        """Each step of the pipeline taken some days after the one before: for an internship
        under way or over, all before its first day (the mentor's acceptance a week before);
        for one still being arranged, the last step in the past few days. One that ended did
        so the day after its last day logged."""
        order = [Status.PROPOSED, Status.APPROVED, Status.CONSENTED, Status.ACTIVE]
        if status in (Status.COMPLETED, Status.ENDED):
            reached = [*order, status]
        else:
            reached = order[: order.index(status) + 1]
        gaps = [timedelta(days=self.rng.randint(2, 5)) for _step in order]
        if status in order[:3]:  # being arranged: the last step one to four days ago
            last = self.at(self.today - timedelta(days=self.rng.randint(1, 4)), 16)
        else:  # accepted by the mentor a week before the first day
            last = self.at(start - timedelta(days=7), 16)
        steps = len(order[: order.index(status) + 1]) if status in order else len(order)
        moments = [last - sum(gaps[step : steps - 1], timedelta()) for step in range(steps)]
        if ended is not None:
            moments.append(self.before_now(self.at(ended, 17), self.now - timedelta(hours=2)))
        placement.proposed_at = moments[0]
        self.proposed_times.append((placement, moments[0]))
        guardian = intern.guardian_ids[0] if intern.guardian_ids else None
        people = {
            Status.PROPOSED: intern.student.user_id,
            Status.APPROVED: intern.advisor_id,
            Status.CONSENTED: guardian or intern.advisor_id,
            Status.ACTIVE: placement.mentor.user_id,
            Status.COMPLETED: intern.advisor_id,
            Status.ENDED: intern.advisor_id,
        }
        previous = ""
        for state, moment in zip(reached, moments, strict=True):
            if state == Status.APPROVED:
                placement.approved_by_id, placement.approved_at = intern.advisor_id, moment
            elif state == Status.CONSENTED:
                placement.consented_by_id, placement.consented_at = people[state], moment
            elif state == Status.ACTIVE:
                placement.accepted_at = moment
            elif state in (Status.COMPLETED, Status.ENDED):
                placement.ended_at = moment
            note = ""
            if state == Status.ENDED:
                note = placement.end_reason = (
                    "The site closed for renovation; a new placement is being found."
                )
            event = self.add(
                "events",
                new(
                    PlacementEvent,
                    placement=placement,
                    from_status=previous,
                    to_status=state,
                    by_id=people[state],
                    note=note,
                ),
            )
            self.event_times.append((event, moment))
            previous = state

    def _visit_and_evaluation(self, placement, intern, start, last_year) -> None:
        self.add(
            "visits",
            new(
                SiteVisit,
                placement=placement,
                advisor_id=intern.advisor_id,
                on=min(self.today - timedelta(days=3), start + timedelta(days=30)),
                observations="Focused and welcomed by the team; the mentor gives clear tasks.",
                follow_ups="Bring the project journal to the next advisory check-in.",
            ),
        )
        if not last_year:
            return
        for semester in (1, 2):
            self.add(
                "evaluations",
                new(
                    Evaluation,
                    placement=placement,
                    school_year=self.previous_year,
                    semester=semester,
                    ratings={code: self.rng.randint(2, 4) for code in RUBRIC_KEYS},
                    strengths="Reliable, curious, asks good questions.",
                    next_steps="Take the lead on a small piece of the work.",
                    author_id=placement.mentor.user_id,
                ),
            )

    @property
    def previous_year(self) -> SchoolYear:
        if not hasattr(self, "_previous_year"):
            self._previous_year = (
                SchoolYear.objects.filter(school=self.school, end_date__lt=self.year.start_date)
                .order_by("-end_date")
                .first()
                or self.year
            )
        return self._previous_year

    # -- logs and saving ----------------------------------------------------------------------

    def _logs(self) -> list[DailyLog]:
        logs = []
        for placement, start, until, active in self.log_windows:
            span = ((until - start).days + 1) if until >= start else 0
            days = [start + timedelta(days=n) for n in range(span)]
            days = [day for day in days if day.weekday() in (1, 3)]  # Tuesdays and Thursdays
            for day in days:
                logs.append(self._log(placement, day, active, latest=day == days[-1]))
        return logs

    def _log(self, placement, day: date, active: bool, latest: bool) -> DailyLog:
        """A day checked out, about the site's work; the last week's mostly wait for the
        mentor (the latest always, so a mentor has a day to confirm whatever the weekday the
        demo is built on); the others reviewed a day or two later, never after today."""
        hours = Decimal(self.rng.choice(["3.5", "4", "4", "4.5"]))
        goals, did, reflections = self.site_texts[placement.site.organization]
        age = (self.today - day).days
        review = DailyLog.Review.CONFIRMED
        if active and age <= 9 and (latest or self.rng.random() < 0.7):
            review = DailyLog.Review.CLAIMED  # waiting for the mentor
        elif self.rng.random() < 0.03:
            review = DailyLog.Review.DISPUTED
        return new(
            DailyLog,
            placement=placement,
            on=day,
            goal=self.rng.choice(goals),
            did=self.rng.choice(did),
            reflection=self.rng.choice(reflections),
            hours=hours,
            learning=self.rng.randint(3, 5),
            engagement=self.rng.randint(3, 5),
            support=self.rng.randint(3, 5),
            checked_out_at=self.at(day, 14),
            review=review,
            confirmed_hours=hours if review == DailyLog.Review.CONFIRMED else None,
            mentor_comment="I sent them home at noon."
            if review == DailyLog.Review.DISPUTED
            else "",
            reviewed_at=self.before_now(
                self.at(day + timedelta(days=self.rng.randint(1, 2)), 18), self.at(day, 18)
            )
            if review != DailyLog.Review.CLAIMED
            else None,
        )

    def _save(self) -> dict[str, int]:
        counts = {}
        for kind, model in (
            ("explorations", Exploration),
            ("placements", Placement),
            ("events", PlacementEvent),
            ("visits", SiteVisit),
            ("evaluations", Evaluation),
        ):
            rows = self.rows.get(kind, [])
            insert_all(model, rows)
            counts[kind] = len(rows)
        logs = self._logs()
        insert_all(DailyLog, logs)
        counts["daily logs"] = len(logs)
        # When each happened in the story (the insert stamped them with the moment it ran).
        restamp(Placement, "proposed_at", [(p.pk, at) for p, at in self.proposed_times])
        restamp(PlacementEvent, "at", [(e.pk, at) for e, at in self.event_times])
        restamp(DailyLog, "checked_in_at", [(log.pk, self.at(log.on, 9)) for log in logs])
        self._messages()
        return counts

    def _messages(self) -> None:
        active = [p for p, *_rest in self.log_windows if p.status == Status.ACTIVE][:5]
        Message.objects.bulk_create(
            Message(
                placement=placement,
                author_id=placement.mentor.user_id,
                body="Great week: ready to take on a bigger piece of the project.",
            )
            for placement in active
        )


def delete_internships(school: School) -> None:
    """Remove a school's internships and directory before it is rebuilt."""
    purge(Placement.objects.filter(student__school=school))
    purge(Exploration.objects.filter(student__school=school))
    purge(Mentor.objects.filter(site__school=school))
    purge(Site.objects.filter(school=school))
