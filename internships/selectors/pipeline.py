"""Reads behind the student's internship page and the placement page (each a fixed number of
queries at any history size), and the choices offered by their forms."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture.links import link
from bigpicture.models import User
from bigpicture.prepared import instance, prepared, within_reach
from bigpicture.selectors import current_year
from internships.models import (
    RUBRIC_LEVELS,
    WORKPLACE_QUALITIES,
    Evaluation,
    Exploration,
    Mentor,
    Opportunity,
    Placement,
    PlacementEvent,
    Site,
    SiteVisit,
)
from students.models import FIVE_GOALS, GuardianLink, LearningGoal, PlanItem, Student
from students.selectors.plans import current_plan_items
from students.selectors.profile import Contact

Status = Placement.Status
_MARK = 9_876_543_210  # stands in for a placement's number in its link

STEP_LABELS = {
    "proposed": _("Proposed"),
    "sent_back": _("Sent back for changes"),
    "changed": _("Agreement changed"),
    "approved": _("Approved by the advisor"),
    "consented": _("Consent given by the family"),
    "active": _("Accepted by the mentor: the internship is active"),
    "completed": _("Completed"),
    "ended": _("Ended early"),
    "declined": _("Consent declined by the family"),
    "question": _("Question from the family"),
}
# A family's answers other than consent: their words are for the school, not the mentor's
# or the student's to read.
FAMILY_ANSWERS = (PlacementEvent.Kind.DECLINED, PlacementEvent.Kind.QUESTION)


def step_code(event: PlacementEvent) -> str:
    """What a recorded step was (a state to itself: the agreement changed, or sent back; a
    family's decline or question by its kind)."""
    if event.kind:
        return event.kind
    if not event.from_status:
        return "proposed"
    if event.from_status == event.to_status:
        sent_back = event.to_status == Status.PROPOSED and event.note
        return "sent_back" if sent_back else "changed"
    if event.from_status == Status.APPROVED and event.to_status == Status.PROPOSED:
        return "changed"  # changed by the student after approval: to be approved again
    return event.to_status


# --- who reaches what --------------------------------------------------------------------------


def students_proposable_by(user: User):
    """Students a person may propose for: themself, an advisor's students, an admin's school."""
    reach = Q(pk__in=Student.objects.led_by(user).values("pk"))
    if user.is_authenticated and user.is_student:
        reach |= Q(user_id=user.pk)
    return Student.objects.filter(reach)


def placements_editable_by(user: User):
    """Placements whose agreement a person may change: the proposing student, advisor, admin."""
    reach = Q(student__in=Student.objects.led_by(user).values("pk"))
    if user.is_authenticated and user.is_student:
        reach |= Q(proposed_by_id=user.pk, student__user_id=user.pk)
    return Placement.objects.filter(reach)


def exploration_sites(student: Student, user: User):
    """Sites of the directory an exploration may name."""
    return Site.objects.visible_to(user).filter(school_id=student.school_id)


def placement_sites(student: Student, user: User):
    """Sites open for internships that the person may see."""
    return exploration_sites(student, user).filter(status=Site.Status.ACTIVE)


def placement_mentors(student: Student, user: User):
    """Mentors at those sites, whatever their check (the proposal says why one cannot go)."""
    sites = placement_sites(student, user)
    return Mentor.objects.filter(site__in=sites).select_related("user", "site")


def placement_opportunities(student: Student, user: User):
    """Open opportunities at those sites."""
    sites = placement_sites(student, user)
    return Opportunity.objects.filter(site__in=sites, is_open=True).select_related("site")


# --- the student's internship page -------------------------------------------------------------


def _advisor(student: Student) -> User | None:
    membership = (
        Membership.objects.current()
        .filter(student_id=student.pk)
        .select_related("advisory__advisor")
        .first()
    )
    return membership.advisory.advisor if membership else None


def _name(person: User | None) -> str:
    return (person.get_full_name() or person.email) if person else ""


def next_step(placement: Placement, advisor: User | None, guardians: list[User]) -> tuple:
    """(what comes next, who takes it) for an open placement; ("", "") once it is over."""
    advisor_name = _name(advisor) or _("the advisor")
    match placement.status:
        case Status.PROPOSED:
            return _("Approval by the advisor"), advisor_name
        case Status.APPROVED:
            names = ", ".join(_name(person) for person in guardians)
            return _("Consent from a guardian"), names or _("a guardian")
        case Status.CONSENTED:
            return _("Acceptance by the mentor"), _name(placement.mentor.user)
        case Status.ACTIVE:
            return _("Completion after the last day"), advisor_name
    return "", ""


def student_page(student: Student) -> dict:
    """The student's explorations and placements, each placement with its next step."""
    explorations = list(
        Exploration.objects.filter(student_id=student.pk)
        .select_related("site")
        .order_by("-on", "-pk")
    )
    placements = list(
        Placement.objects.filter(student_id=student.pk)
        .select_related("site", "mentor__user", "opportunity")
        .order_by("-start_on", "-pk")
    )
    advisor = _advisor(student)
    guardians = [
        link.guardian
        for link in GuardianLink.objects.filter(student_id=student.pk).select_related("guardian")
    ]
    for placement in placements:
        placement.next_step, placement.next_by = next_step(placement, advisor, guardians)
    return {
        "explorations": explorations,
        "placements": placements,
        "open_placements": [p for p in placements if p.is_open],
        "past_placements": [p for p in placements if not p.is_open],
        "advisor": advisor,
    }


# --- the placement page ------------------------------------------------------------------------


def placements_for_page(placements):
    """The given placements (already scoped to the viewer), with what the page shows."""
    return placements.select_related(
        "student__user",
        "student__school",
        "site",
        "mentor__user",
        "opportunity",
        "proposed_by",
        "approved_by",
        "consented_by",
    )


# The columns the placement page shows or its rules read (templates/internships/pipeline/
# placement_detail.html, placement_page): the people's names, not their whole rows.
NAME = ("first_name", "last_name")
PLACEMENT_PAGE_COLUMNS = (
    *("student_id", "site_id", "mentor_id", "opportunity_id", "status", "project"),
    *("project_description", "days", "starts_at_time", "ends_at_time", "start_on", "end_on"),
    *("review_on", "proposed_by_id", "proposed_at", "approved_by_id", "approved_at"),
    *("consented_by_id", "consented_at", "accepted_at", "end_reason"),
    *("student__user_id", "student__school_id", "student__preferred_name"),
    *(f"student__user__{column}" for column in NAME),
    "student__school__time_zone",
    *("site__organization", "site__address", "opportunity__title"),
    *("mentor__user_id", "mentor__job_title", "mentor__background_check"),
    "mentor__check_expires_on",
    *(f"mentor__user__{column}" for column in (*NAME, "email", "is_active")),
    *(
        f"{who}__{column}"
        for who in ("proposed_by", "approved_by", "consented_by")
        for column in NAME
    ),
)


def rubric_rows(evaluation: Evaluation) -> dict:
    """An evaluation's rubric as (label, level, level name) rows: learning goals, workplace."""

    def rows(labels):
        result = []
        for key, label in labels.items():
            level = evaluation.ratings.get(key)
            result.append((label, level, RUBRIC_LEVELS.get(level, "")))
        return result

    return {
        "goals": rows({code: names[0] for code, names in FIVE_GOALS.items()}),
        "workplace": rows(WORKPLACE_QUALITIES),
    }


PLACEMENT_PAGE = (
    *("events", "plan_items", "visits", "sees_visits", "evaluations", "can_edit", "can_review"),
    *("can_consent", "can_accept", "can_complete", "can_end", "can_visit", "declined", "family"),
    *("evaluation_semesters", "school_year", "mentor_refusal"),
)


# The rows of the placement page, with their people's names only.
BY = tuple(f"by__{column}" for column in NAME)
VISIT_COLUMNS = (
    *("placement_id", "advisor_id", "on", "observations", "follow_ups"),
    *(f"advisor__{column}" for column in NAME),
)
PLAN_ITEM_COLUMNS = (
    *("plan_id", "title", "plan__term_id", "plan__term__name"),
    *("plan__term__school_year_id", "plan__term__school_year__name"),
)
EVALUATION_COLUMNS = (
    *("placement_id", "school_year_id", "semester", "ratings", "strengths", "next_steps"),
    *("author_id", "updated_at", "school_year__name"),
    *(f"author__{column}" for column in NAME),
)


EVENT_COLUMNS = ("placement_id", "from_status", "to_status", "by_id", "at", "note", "kind", *BY)


# The page's reads, prepared (bigpicture.prepared): compiled once, then run with the placement's
# number; rows made into instances as select_related and only() made them, for the template.
@within_reach
def _placement_shown(person, placement: int):
    placements = Placement.objects.visible_to(person).filter(pk=placement)
    return placements.values_list("pk", *PLACEMENT_PAGE_COLUMNS)


def placement_in_reach(user: User, pk: int) -> Placement | None:
    """The placement page's placement if the person may see it (``visible_to``), with only
    the columns the page uses; None out of reach."""
    rows = _placement_shown(user, pk)
    return instance(Placement, PLACEMENT_PAGE_COLUMNS, rows[0]) if rows else None


@prepared
def _events(placement: int):
    events = PlacementEvent.objects.filter(placement_id=placement).order_by("at", "pk")
    return events.values_list("pk", *EVENT_COLUMNS)


@prepared
def _plan_items(placement: int):
    items = PlanItem.objects.filter(placements=placement)
    return items.order_by("plan__term__start_date", "position", "pk").values_list(
        "pk", *PLAN_ITEM_COLUMNS
    )


@prepared
def _item_goals(items: list[int]):
    links = PlanItem.learning_goals.through.objects.filter(planitem_id__in=items)
    links = links.order_by("learninggoal__position", "learninggoal_id")
    return links.values_list("planitem_id", "learninggoal__code", "learninggoal__name")


@prepared
def _visits(placement: int):
    visits = SiteVisit.objects.filter(placement_id=placement).order_by("-on", "-pk")
    return visits.values_list("pk", *VISIT_COLUMNS)


@prepared
def _evaluations(placement: int):
    evaluations = Evaluation.objects.filter(placement_id=placement)
    return evaluations.order_by("-school_year__start_date", "-semester").values_list(
        "pk", *EVALUATION_COLUMNS
    )


def _with_goals(items: list) -> list:
    """The items, each with the names of its learning goals in order (``goal_labels``) in
    the reader's language; no read without items."""
    labels: dict[int, list] = {item.pk: [] for item in items}
    if items:
        for item_id, code, name in _item_goals(list(labels)):
            labels[item_id].append(LearningGoal.label_of(code, name))
    for item in items:
        item.goal_labels = labels[item.pk]
    return items


def placement_page(placement: Placement, user: User) -> dict:
    """The agreement's goals, the steps, visits, evaluations, and what the viewer may do."""
    student = placement.student
    is_leader = student.is_led_by(user)
    is_student = student.is_self(user)
    is_guardian = student.has_guardian(user)
    is_mentor = placement.mentor.user_id == user.pk
    events = [instance(PlacementEvent, EVENT_COLUMNS, row) for row in _events(placement.pk)]
    if is_mentor and not is_leader:
        # The mentor joins at the family's consent: the steps before it stay with the school.
        events = [e for e in events if e.to_status not in ("proposed", "approved")]
    declined = None  # the family's last decline, until the advisor approves again
    for event in events:
        event.code = step_code(event)
        event.label = STEP_LABELS[event.code]
        if event.kind in FAMILY_ANSWERS and not (is_leader or is_guardian):
            event.note = ""
        if event.code == "declined":
            declined = event
        elif event.code == "approved":
            declined = None
    items = [instance(PlanItem, PLAN_ITEM_COLUMNS, row) for row in _plan_items(placement.pk)]
    items = _with_goals(items)
    # The advisor's visits are about the student and the site: not the mentor's business.
    sees_student = is_leader or is_student or is_guardian
    visits = []
    if sees_student:
        visits = [instance(SiteVisit, VISIT_COLUMNS, row) for row in _visits(placement.pk)]
    evaluations = [
        instance(Evaluation, EVALUATION_COLUMNS, row) for row in _evaluations(placement.pk)
    ]
    for evaluation in evaluations:
        evaluation.rubric = rubric_rows(evaluation)
        evaluation.semester_label = Evaluation.Semester(evaluation.semester).label
    status = placement.status
    may_edit = is_leader or (placement.proposed_by_id == user.pk and is_student)
    year = current_year(student.school) if is_mentor and status in Placement.STARTED else None
    written = {(e.school_year_id, e.semester) for e in evaluations}
    semesters = [
        (value, label, (year.pk, value) in written)
        for value, label in Evaluation.Semester.choices
        if year is not None
    ]
    return {
        "events": events,
        "plan_items": items,
        "visits": visits,
        "sees_visits": sees_student,
        "evaluations": evaluations,
        "can_edit": may_edit and status in Placement.EDITABLE,
        "can_review": is_leader and status == Status.PROPOSED,
        "can_consent": is_guardian and status == Status.APPROVED,
        "declined": declined if status == Status.PROPOSED and (is_leader or is_guardian) else None,
        # Whom the advisor calls while the family's answer is awaited, or after a decline.
        "family": family_contacts(student.pk) if is_leader and status in Placement.EDITABLE else [],
        "can_accept": is_mentor and status == Status.CONSENTED,
        "can_complete": is_leader and status == Status.ACTIVE,
        "can_end": is_leader and status in Placement.OPEN,
        "can_visit": is_leader and placement.has_started,
        # Who may open the conversation (``placements_reached_by``): the school's side, and
        # the mentor from the family's consent on.
        "sees_messages": is_leader or (is_mentor and _mentor_joined(placement)),
        "evaluation_semesters": semesters,
        "school_year": year,
        "mentor_refusal": placement.mentor.placement_refusal(
            max(placement.start_on, placement.student.school.today())
        )
        if placement.status in (Status.PROPOSED, Status.APPROVED, Status.CONSENTED)
        else "",
    }


def _mentor_joined(placement: Placement) -> bool:
    """Whether the mentor has joined the internship: ``mentored_by``, on the row in hand."""
    if placement.status == Status.ENDED:
        return placement.consented_at is not None
    return placement.status in (Status.CONSENTED, *Placement.STARTED)


def evaluation_for(placement: Placement, semester: int) -> Evaluation | None:
    """This school year's evaluation of a semester, if written."""
    year = current_year(placement.student.school)
    if year is None:
        return None
    return Evaluation.objects.filter(
        placement=placement, school_year=year, semester=semester
    ).first()


def current_semester(placement: Placement) -> int:
    """The semester a day falls in: the first half of the school year, or the second."""
    year = current_year(placement.student.school)
    if year is None:
        return Evaluation.Semester.FIRST
    middle = year.start_date + (year.end_date - year.start_date) / 2
    today = placement.student.school.today()
    return Evaluation.Semester.FIRST if today <= middle else Evaluation.Semester.SECOND


def plan_item_choices(student: Student):
    """The goals and projects of the student's plan for the current term, for the agreement."""
    return current_plan_items(student).select_related("plan").order_by("position", "pk")


# --- families to reach about a consent -------------------------------------------------------

FAMILY_CONTACT_COLUMNS = (
    *("student_id", "relationship", "is_primary_contact"),
    *("guardian__first_name", "guardian__last_name", "guardian__email", "guardian__phone"),
    *("guardian__is_active", "guardian__password"),
)


class FamilyContact:
    """A guardian as the advisor reaches them about a consent: name, relationship, contact,
    and whether they can answer online (an address, an account they have set up)."""

    __slots__ = ("contact", "name", "online", "relationship")

    def __init__(self, name, relationship, contact, online):
        self.name, self.relationship, self.contact, self.online = (
            name,
            relationship,
            contact,
            online,
        )


def _family_rows(students: list[int]):
    links = GuardianLink.objects.filter(student_id__in=students)
    links = links.order_by("student_id", "-is_primary_contact", "guardian__last_name", "pk")
    return links.values_list(*FAMILY_CONTACT_COLUMNS)


def _families(students: list[int]) -> dict[int, list[FamilyContact]]:
    """Student id -> their guardians' contacts, in one read."""
    labels = {value: str(label) for value, label in GuardianLink.Relationship.choices}
    found: dict[int, list[FamilyContact]] = {}
    if not students:
        return found
    for (
        student_id,
        relationship,
        _primary,
        first,
        last,
        email,
        phone,
        active,
        password,
    ) in _family_rows(students):
        contact = Contact(email, phone, active)
        # a password never chosen starts with "!" (set_unusable_password): no account yet
        online = contact.by_email and not password.startswith("!")
        family = found.setdefault(student_id, [])
        family.append(
            FamilyContact(f"{first} {last}".strip(), labels[relationship], contact, online)
        )
    return found


def family_contacts(student: int) -> list[FamilyContact]:
    """A student's guardians with how to reach them (one read)."""
    return _families([student]).get(student, [])


class ConsentWaiting:
    """An internship waiting for the family's consent, as the advisor follows it: the
    student, the site, since when, the family, and whether no one in it can answer online
    (no email address, or no account set up): a family to call."""

    __slots__ = ("approved_at", "family", "organization", "pk", "student", "to_call", "url")

    def __init__(self, pk, url, student, organization, approved_at, family):
        self.pk, self.url, self.student, self.organization = pk, url, student, organization
        self.approved_at, self.family = approved_at, family
        self.to_call = not any(person.online for person in family)


def consents_waiting(students: dict[int, str]) -> list[ConsentWaiting]:
    """The internships of these students (id -> name as shown) waiting for their family's
    consent, oldest approval first, each with the family's contacts: two reads."""
    if not students:
        return []
    placements = (
        Placement.objects.filter(student_id__in=list(students), status=Status.APPROVED)
        .order_by("approved_at", "pk")
        .values_list("pk", "student_id", "site__organization", "approved_at")
    )
    placements = list(placements)
    families = _families(sorted({student_id for _pk, student_id, *_rest in placements}))
    url = link("internships:placement-detail", _MARK).partition(str(_MARK))
    return [
        ConsentWaiting(
            pk,
            f"{url[0]}{pk}{url[2]}",
            students[student_id],
            organization,
            approved_at,
            families.get(student_id, []),
        )
        for pk, student_id, organization, approved_at in placements
    ]
