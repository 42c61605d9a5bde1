"""Reads behind the narrative and exhibition pages, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture.models import School, Term, User
from students.models import (
    FIVE_GOALS,
    PERSONAL,
    Exhibition,
    Feedback,
    GuardianLink,
    Narrative,
    Panelist,
    PlanItem,
    Student,
)
from students.selectors.meetings import mentors_of

# --- narratives --------------------------------------------------------------------------------


def narratives_editable_by(user: User):
    """Narratives a person may rewrite: the student their own, the advisor (or an admin)
    the advisor's."""
    if not user.is_authenticated:
        return Narrative.objects.none()
    own = Q(kind=Narrative.Kind.STUDENT, student__user_id=user.pk)
    led = Q(kind=Narrative.Kind.ADVISOR, student__in=Student.objects.led_by(user).values("pk"))
    return Narrative.objects.filter(own | led)


def narratives_publishable_by(user: User):
    """Advisor's narratives a person may publish or take back: the advisor's, an admin's."""
    return Narrative.objects.filter(
        kind=Narrative.Kind.ADVISOR, student__in=Student.objects.led_by(user).values("pk")
    )


PERSONAL_SECTION = (
    PERSONAL,
    _("Personal goals"),
    _("What did I set out to do for myself, and how did it go?"),
)


def section_labels() -> list[tuple]:
    """(section key, name, guiding question) for each section of a narrative, in order."""
    goals = [(code, name, question) for code, (name, question) in FIVE_GOALS.items()]
    return [*goals, PERSONAL_SECTION]


def narrative_sections(narrative: Narrative) -> list[dict]:
    """Each section of a narrative with its goal's name, question and text (maybe empty)."""
    return [
        {"key": key, "name": name, "question": question, "text": narrative.sections.get(key, "")}
        for key, name, question in section_labels()
    ]


@dataclass
class TermNarratives:
    term: Term
    student: Narrative | None = None
    advisor: Narrative | None = None


def narrative_list(user: User, student: Student) -> list[TermNarratives]:
    """The narratives of a student a person may read, term by term, most recent first."""
    narratives = (
        Narrative.objects.visible_to(user)
        .filter(student=student)
        .select_related("term__school_year", "author")
        .order_by("-term__start_date", "kind")
    )
    terms: dict[int, TermNarratives] = {}
    for narrative in narratives:
        row = terms.setdefault(narrative.term_id, TermNarratives(term=narrative.term))
        setattr(row, narrative.kind, narrative)
    return list(terms.values())


def narrative_actions(user: User, student: Student) -> dict:
    """What a person may write about a student: their own narrative, the advisor's."""
    return {
        "writes_student": user.pk == student.user_id,
        "writes_advisor": student.is_led_by(user),
    }


def narrative_terms(school: School):
    """Terms a narrative may be written for: those of the school that have begun."""
    return (
        Term.objects.of_school(school.pk)
        .filter(start_date__lte=school.today())
        .select_related("school_year")
        .order_by("-start_date")
    )


# --- exhibitions -------------------------------------------------------------------------------


def exhibition_list(user: User, student: Student):
    """A student's exhibitions a person may see, newest first, with their term."""
    return (
        Exhibition.objects.visible_to(user)
        .filter(student=student)
        .select_related("term__school_year")
        .order_by("-starts_at", "pk")
    )


PANEL = Prefetch(
    "panelists",
    queryset=Panelist.objects.select_related("person", "feedback__recorded_by").order_by(
        "role", "pk"
    ),
)
WORK = Prefetch(
    "work", queryset=PlanItem.objects.prefetch_related("learning_goals").order_by("position", "pk")
)


def for_exhibition_page(exhibitions):
    """Exhibitions with their student, term, panel (and their feedback) and work."""
    return exhibitions.select_related(
        "student__user", "student__school", "term__school_year"
    ).prefetch_related(PANEL, WORK)


def exhibition_detail(user: User, exhibition: Exhibition) -> dict:
    """What the exhibition page shows this person: the panel, the work and, to the staff and
    (once it is held) the student and the family, the feedback and the result."""
    panel = list(exhibition.panelists.all())
    staff = exhibition.student.is_led_by(user)
    family = Student.objects.visible_to(user).filter(pk=exhibition.student_id).exists()
    results = staff or (family and exhibition.status == Exhibition.Status.HELD)
    mine = next((p for p in panel if p.person_id == user.pk), None)
    return {
        "panel": panel,
        "work": list(exhibition.work.all()),
        "goals": section_labels()[: len(FIVE_GOALS)],
        "is_staff": staff,
        "shows_results": results,
        "feedback": [feedback_view(p) for p in panel if results and _feedback_of(p)],
        "my_panelist": mine,
        "outside_panel": [p for p in panel if not p.person_id] if staff else [],
    }


def _feedback_of(panelist: Panelist) -> Feedback | None:
    try:
        return panelist.feedback
    except Feedback.DoesNotExist:
        return None


def feedback_view(panelist: Panelist) -> dict:
    """A panelist's feedback with a level label per learning goal (blank when not rated)."""
    feedback = _feedback_of(panelist)
    ratings = feedback.ratings if feedback else {}
    return {
        "panelist": panelist,
        "feedback": feedback,
        "levels": [
            Feedback.Level(ratings[code]).label if code in ratings else "" for code in FIVE_GOALS
        ],
    }


def work_choices(student: Student, exhibition: Exhibition | None = None):
    """Goals and projects an exhibition may show: the student's plans for terms not over
    (and whatever the exhibition already shows)."""
    today = student.school.today()
    reach = Q(plan__student=student, plan__term__end_date__gte=today)
    if exhibition is not None:
        reach |= Q(pk__in=exhibition.work.values("pk"))
    return (
        PlanItem.objects.filter(reach)
        .select_related("plan__term__school_year")
        .order_by("plan__term__start_date", "position", "pk")
    )


def guardian_choices(student: Student):
    """The student's guardians, to tick for the panel."""
    return User.objects.filter(
        pk__in=GuardianLink.objects.filter(student=student).values("guardian_id")
    ).order_by("last_name", "first_name", "pk")


def mentor_choices(student: Student):
    """The student's own internship mentors, to seat one on the panel."""
    return mentors_of(student)


def peer_choices(student: Student):
    """Peers for the panel: the student's advisory-mates."""
    advisories = Membership.objects.current().filter(student=student).values("advisory_id")
    mates = Membership.objects.current().filter(advisory_id__in=advisories).values("student_id")
    return (
        Student.objects.filter(pk__in=mates, school_id=student.school_id)
        .exclude(pk=student.pk)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def panel_initial(exhibition: Exhibition) -> dict:
    """The panel as the exhibition form shows it when it is changed."""
    panel = list(exhibition.panelists.select_related("person__student_profile"))
    by_role = {role: [p for p in panel if p.role == role] for role in Panelist.Role.values}
    mentor = by_role[Panelist.Role.MENTOR]
    return {
        "guardians": [p.person for p in by_role[Panelist.Role.GUARDIAN]],
        "mentor": mentor[0].person if mentor else None,
        "peers": [p.person.student_profile for p in by_role[Panelist.Role.PEER]],
        "outside": "\n".join(p.name for p in by_role[Panelist.Role.OUTSIDE]),
        "work": list(exhibition.work.all()),
    }
