"""Writes to a school's expectations: its wording of each, in English and Spanish, whether
its students reflect on it, and each term's due date for reflections."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from bigpicture.access import require_admin_of
from bigpicture.models import School, Term, User
from expectations.models import Expectation, ReflectionWindow, SchoolExpectation
from expectations.models.catalog import LANGUAGES, WORDING_FIELDS, field_in

# Every field of a school's wording: name, name_es, question, question_es, ...
WORDINGS = tuple(field_in(name, language) for name in WORDING_FIELDS for language in LANGUAGES)


@transaction.atomic
def expectation_reword(
    *, school: School, expectation: Expectation, by: User, is_active: bool, **wording: str
) -> SchoolExpectation:
    """Save a school's wording of an expectation (empty: Big Picture's words) and whether
    its students reflect on it; the school's row is made on the first save."""
    require_admin_of(by, school.pk)
    unknown = set(wording) - set(WORDINGS)
    if unknown:
        raise ValidationError(_("Unknown wording: %(fields)s") % {"fields": ", ".join(unknown)})
    own, _created = SchoolExpectation.objects.select_for_update().get_or_create(
        school=school, expectation=expectation
    )
    own.is_active = is_active
    for name in WORDINGS:
        setattr(own, name, (wording.get(name) or "").strip())
    own.full_clean()
    own.save()
    return own


def reflection_due_set(*, term: Term, by: User, due_on: date) -> ReflectionWindow:
    """Set the last day a term's reflections may be written: from the term's first day to
    its school year's last."""
    year = term.school_year
    require_admin_of(by, year.school_id)
    if due_on < term.start_date:
        message = _("Choose a day from the term's first day, %(date)s, on.")
        raise ValidationError({"due_on": message % {"date": formats.date_format(term.start_date)}})
    if due_on > year.end_date:
        message = _("Choose a day no later than the school year's last day, %(date)s.")
        raise ValidationError({"due_on": message % {"date": formats.date_format(year.end_date)}})
    window, _created = ReflectionWindow.objects.update_or_create(
        term=term, defaults={"due_on": due_on}
    )
    return window
