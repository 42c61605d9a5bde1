"""What waits for a student in the expectations app, for the home's "waiting for you" list
and the count in the navigation: a queryset, so both read it from the same filters."""

from datetime import date, timedelta

from django.db.models import DateField, Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from bigpicture.models import Term, User
from expectations.models import Reflection

# A term's reflection waits for the student from two weeks before it is due.
REFLECTION_SHOWN_BEFORE = timedelta(days=14)


def reflections_due(user: User, today: date) -> QuerySet:
    """The terms of the student's school whose reflection is due within two weeks (and not
    past), without the student's own reflection yet; each with its ``due`` date."""
    answered = Reflection.objects.filter(
        term_id=OuterRef("pk"),
        student__user_id=user.pk,
        perspective=Reflection.Perspective.STUDENT,
        ratings__isnull=False,
    )
    terms = Term.objects.of_school(user.school_id).annotate(
        due=Coalesce(F("reflection_window__due_on"), F("end_date"), output_field=DateField())
    )
    terms = terms.filter(
        ~Exists(answered), due__gte=today, due__lte=today + REFLECTION_SHOWN_BEFORE
    )
    return terms.order_by("due", "pk")
