"""The demo school's assessment, term by term: learning plan meetings, both narratives and
an exhibition with its panel, feedback and gateway (a part of the learning builder)."""

from datetime import timedelta

from bigpicture.bulk import new
from bigpicture.models import Term
from students.demo.texts import DECISIONS, NARRATIVE_LINES, NOTES, OUTSIDE, WORK
from students.goals import FIVE_GOALS, PERSONAL
from students.models import Exhibition, Feedback, MeetingInvite, Narrative, Panelist, PlanMeeting


class Assessment:
    """Meetings, narratives and exhibitions for ``_Learning`` (students/demo/__init__.py),
    which holds the rows, the random source and the school's calendar they use."""

    def _meeting(self, family, term: Term, current: bool) -> None:
        if current:
            roll = self.rng.random()
            if roll < 0.25:
                return  # not scheduled yet: the advisor's home flags it
            day = self.today + timedelta(days=self.rng.randint(2, 20))
            if roll > 0.85 or day > term.end_date:
                day = max(term.start_date, self.today - timedelta(days=5))
            held = day < self.today
        else:
            day, held = term.start_date + timedelta(days=10), True
        meeting = self.add(
            "meetings",
            new(
                PlanMeeting,
                student=family.student,
                term=term,
                advisor_id=family.advisor_id,
                starts_at=self.at(day, 15, 30),
                place="Advisory room",
                agenda="Review last term and set this term's goals",
                status=PlanMeeting.Status.HELD if held else PlanMeeting.Status.SCHEDULED,
                notes=self.rng.choice(NOTES) if held else "",
                decisions=self.rng.choice(DECISIONS) if held else "",
            ),
        )
        answered = self.at(day - timedelta(days=3), 19) if held else None
        people = [(family.student.user_id, MeetingInvite.Role.STUDENT)]
        people += [(gid, MeetingInvite.Role.GUARDIAN) for gid in family.guardian_ids]
        for person, role in people:
            response = MeetingInvite.Response.ACCEPTED if held else MeetingInvite.Response.PENDING
            self.add(
                "invites",
                new(
                    MeetingInvite,
                    meeting=meeting,
                    person_id=person,
                    role=role,
                    response=response,
                    responded_at=answered,
                ),
            )
        self.add(
            "invites",
            new(
                MeetingInvite,
                meeting=meeting,
                person_id=family.advisor_id,
                role=MeetingInvite.Role.ADVISOR,
                response=MeetingInvite.Response.ACCEPTED,
                # on scheduling it: never after today
                responded_at=self.before_now(
                    meeting.starts_at - timedelta(days=5), self.now - timedelta(hours=3)
                ),
            ),
        )

    def _narratives(self, family, term: Term) -> None:
        codes = self.rng.sample(list(FIVE_GOALS), 3)
        sections = {code: NARRATIVE_LINES[code] for code in codes}
        written = self.at(term.end_date - timedelta(days=2), 17)
        published = min(written + timedelta(days=5), self.at(self.today, 0))  # never ahead
        self.add(
            "narratives",
            new(
                Narrative,
                student=family.student,
                term=term,
                kind=Narrative.Kind.STUDENT,
                author_id=family.student.user_id,
                sections={**sections, PERSONAL: NARRATIVE_LINES[PERSONAL]},
            ),
        )
        self.add(
            "narratives",
            new(
                Narrative,
                student=family.student,
                term=term,
                kind=Narrative.Kind.ADVISOR,
                author_id=family.advisor_id,
                sections=sections,
                published_at=published,
            ),
        )

    def _exhibition(self, family, term: Term, current: bool, gateway: str) -> None:
        day = term.end_date - timedelta(days=6)
        if current and day <= self.today:
            day = self.today + timedelta(days=3)
        held = not current
        outcome = ""
        if gateway:
            outcome = (
                Exhibition.Outcome.PASSED
                if self.rng.random() < 0.85
                else Exhibition.Outcome.NOT_YET
            )
        exhibition = self.add(
            "exhibitions",
            new(
                Exhibition,
                student=family.student,
                term=term,
                title=self.rng.choice(WORK)[1],
                starts_at=self.at(day, 10),
                room=self.rng.choice(["Commons", "Library", "Room 104"]),
                status=Exhibition.Status.HELD if held else Exhibition.Status.SCHEDULED,
                gateway=gateway,
                outcome=outcome,
                summary="Clear presentation; strong evidence; next: deeper data analysis."
                if held
                else "",
                created_by_id=family.advisor_id,
            ),
        )
        advisor = self.add(
            "panelists",
            new(Panelist, exhibition=exhibition, person_id=family.advisor_id, role="advisor"),
        )
        for guardian_id in family.guardian_ids[:1]:
            self.add(
                "panelists",
                new(Panelist, exhibition=exhibition, person_id=guardian_id, role="guardian"),
            )
        if self.mentor_ids and self.rng.random() < 0.4:
            self.add(
                "panelists",
                new(
                    Panelist,
                    exhibition=exhibition,
                    person_id=self.rng.choice(self.mentor_ids),
                    role="mentor",
                ),
            )
        self.add(
            "panelists",
            new(Panelist, exhibition=exhibition, name=self.rng.choice(OUTSIDE), role="outside"),
        )
        if held:
            ratings = {
                code: self.rng.randint(2, 4) for code in self.rng.sample(list(FIVE_GOALS), 3)
            }
            self.add(
                "feedback",
                new(
                    Feedback,
                    exhibition=exhibition,
                    panelist=advisor,
                    ratings=ratings,
                    strengths="Confident, well organized, real evidence.",
                    suggestions="Show more of the data behind the conclusions.",
                    recorded_by_id=family.advisor_id,
                ),
            )
