"""Reminder rules over term reflections: due soon to students, overdue to advisors."""

from datetime import date, timedelta

from django.db.models import DateField, F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture.models import School, Term
from bigpicture.names import display_name
from bigpicture.notifications.rules import Draft, Rule, register
from expectations.selectors.reflections import answered_students

OVERDUE_WINDOW = 14  # an advisor hears of a term's missing reflections within two weeks of it

NAME_FIELDS = ("student__preferred_name", "student__user__first_name", "student__user__last_name")


def _terms_due_between(school: School, first: date, last: date) -> list[Term]:
    """The school's terms whose reflections are due between two days, with the due date
    as ``due`` (one query)."""
    terms = Term.objects.of_school(school.pk).annotate(
        due=Coalesce(F("reflection_window__due_on"), F("end_date"), output_field=DateField())
    )
    return list(terms.filter(due__gte=first, due__lte=last).order_by("start_date"))


def _missing(school: School, term: Term):
    """The current memberships of the school's students with an active account and no
    reflection of their own in the term."""
    return (
        Membership.objects.current()
        .filter(advisory__school_id=school.pk, student__user__is_active=True)
        .exclude(student_id__in=answered_students(term.pk))
    )


def reflections_due(school: School, today: date, days: int) -> list[Draft]:
    """``days`` before a term's reflections are due, each student who has not reflected
    yet, once a term (one query, and one for each term due)."""
    drafts = []
    for term in _terms_due_between(school, today, today + timedelta(days=days)):
        rows = _missing(school, term).filter(student__user__is_student=True)
        for student_id, user_id in rows.values_list("student_id", "student__user_id"):
            drafts.append(
                Draft(
                    recipient_id=user_id,
                    school_id=school.pk,
                    subject_key=f"term:{term.pk}",
                    subject=term.name,
                    occasion=str(term.pk),
                    context={
                        "term": term.name,
                        "due": term.due.isoformat(),
                        "path": reverse("expectations:reflection-term", args=[student_id, term.pk]),
                    },
                )
            )
    return drafts


def reflections_overdue(school: School, today: date, days: int) -> list[Draft]:
    """``days`` after a term's reflections were due (within two weeks), each advisor with
    students who never reflected, in one message a term (one query, and one for each
    term)."""
    last = today - timedelta(days=days)
    drafts = []
    for term in _terms_due_between(school, last - timedelta(days=OVERDUE_WINDOW), last):
        rows = _missing(school, term).filter(advisory__advisor__is_active=True)
        by_advisor: dict[int, list[dict]] = {}
        values = rows.values_list("advisory__advisor_id", "student_id", *NAME_FIELDS)
        for advisor_id, student_id, *names in values.order_by(*NAME_FIELDS[1:]):
            by_advisor.setdefault(advisor_id, []).append(
                {
                    "name": display_name(*names),
                    "path": reverse("expectations:reflection-term", args=[student_id, term.pk]),
                }
            )
        drafts += [
            Draft(
                recipient_id=advisor_id,
                school_id=school.pk,
                subject_key=f"term:{term.pk}",
                subject=term.name,
                occasion=str(term.pk),
                context={
                    "term": term.name,
                    "due": term.due.isoformat(),
                    "students": students,
                    "count": len(students),
                },
            )
            for advisor_id, students in by_advisor.items()
        ]
    return drafts


REFLECTION_DUE = register(
    Rule(
        key="reflection_due",
        kind="learning",
        label=_("Term reflection due"),
        description=_(
            "Students who have not reflected on the 10 Expectations yet are reminded before "
            "the term's due date."
        ),
        days_label=_("Days before the due date"),
        default_days=7,
        max_days=60,
        scan=reflections_due,
    )
)
REFLECTION_OVERDUE = register(
    Rule(
        key="reflection_overdue",
        kind="learning",
        label=_("Term reflections missing"),
        description=_(
            "After the due date, advisors hear which of their students did not reflect on the term."
        ),
        days_label=_("Days after the due date"),
        default_days=1,
        max_days=30,
        scan=reflections_overdue,
    )
)
