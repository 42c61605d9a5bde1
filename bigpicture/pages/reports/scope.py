"""What a report is about: the school, the period, the year level and the advisory chosen in
the query string, and the students behind it within the viewer's reach.

A report reads the students who were in an advisory on the period's reference day (the last
day of the term or year, or today while it runs), so last year's report groups students by
last year's advisories. An advisor's reach is their current advisories (``led_by``): they
get the same reports about their own students.
"""

from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from advisories.models import Advisory, Membership
from bigpicture import access
from bigpicture.models import School, SchoolYear, Term
from students.models import Student

LEVELS = (101, 201, 301, 401)
FILTERS = ("school", "year", "term", "level", "advisory")


@dataclass
class Scope:
    """The filters as objects, and the querysets every report section starts from."""

    user: object
    school: School
    year: SchoolYear
    term: Term | None
    level: int | None
    advisory: Advisory | None
    today: date
    query: str  # the filters as a query string, to carry into links and downloads

    @property
    def start(self) -> date:
        return (self.term or self.year).start_date

    @property
    def end(self) -> date:
        return (self.term or self.year).end_date

    @property
    def day(self) -> date:
        """The day whose advisories a report reads: the period's last day, today while it
        runs, its first day before it starts."""
        return min(max(self.today, self.start), self.end)

    @property
    def terms(self) -> QuerySet[Term]:
        """The terms the report covers: the chosen one, else every term of the year."""
        if self.term is not None:
            return Term.objects.filter(pk=self.term.pk)
        return Term.objects.filter(school_year=self.year).order_by("start_date")

    def graduating_class(self, level: int) -> int:
        """The class at a year level (101 ... 401) in the report's year."""
        return self.year.graduation_year + 4 - level // 100

    def level_of(self, graduating_class: int) -> int | None:
        return self.year.year_level(graduating_class)

    @property
    def members(self) -> QuerySet[Membership]:
        """Memberships of the students in the report: in an advisory of the school on the
        reference day, within the viewer's reach, filtered by level and advisory."""
        members = Membership.objects.on(self.day).filter(
            advisory__school=self.school,
            student_id__in=Student.objects.led_by(self.user).values("pk"),
        )
        if self.advisory is not None:
            members = members.filter(advisory=self.advisory)
        if self.level is not None:
            members = members.filter(student__graduating_class=self.graduating_class(self.level))
        return members

    @property
    def students(self) -> QuerySet[Student]:
        """The students in the report."""
        return Student.objects.filter(pk__in=self.members.values("student_id"))

    @property
    def advisories(self) -> QuerySet[Advisory]:
        """The advisories a report's rows are about (the viewer's, filtered)."""
        advisories = Advisory.objects.visible_to(self.user).filter(school=self.school)
        if self.advisory is not None:
            advisories = advisories.filter(pk=self.advisory.pk)
        if self.level is not None:
            advisories = advisories.filter(pk__in=self.members.values("advisory_id"))
        return advisories.order_by("-graduating_class", "name")

    def with_query(self, path: str, **extra) -> str:
        """``path`` with the report's filters and ``extra`` in the query string."""
        more = urlencode({key: value for key, value in extra.items() if value not in ("", None)})
        query = "&".join(part for part in (self.query, more) if part)
        return f"{path}?{query}" if query else path


class ReportFilterForm(forms.Form):
    """The filters at the top of every report, checked against the viewer's reach."""

    school = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        label=_("School"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the schools you run.")},
    )
    year = forms.ModelChoiceField(
        queryset=SchoolYear.objects.none(),
        required=False,
        label=_("School year"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the school's years.")},
    )
    term = forms.ModelChoiceField(
        queryset=Term.objects.none(),
        required=False,
        label=_("Term"),
        empty_label=_("The whole year"),
        error_messages={"invalid_choice": _("Choose one of the school's terms.")},
    )
    level = forms.TypedChoiceField(
        choices=[("", _("Every year level")), *((str(level), str(level)) for level in LEVELS)],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Year level"),
        error_messages={"invalid_choice": _("Choose a year level: 101, 201, 301 or 401.")},
    )
    advisory = forms.ModelChoiceField(
        queryset=Advisory.objects.none(),
        required=False,
        label=_("Advisory"),
        empty_label=_("Every advisory"),
        error_messages={"invalid_choice": _("Choose one of the advisories you can see.")},
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.user = user
        schools = School.objects.visible_to(user)
        self.school = self._school(schools, data.get("school"))
        self.fields["school"].queryset = schools
        self.fields["school"].initial = self.school
        if not access.is_network_admin(user):
            # Everyone else works inside their own school: no choice to offer (a school in
            # the query string is not read).
            del self.fields["school"]
        self.fields["year"].queryset = SchoolYear.objects.filter(school=self.school).order_by(
            "-start_date"
        )
        self.fields["term"].queryset = Term.objects.filter(
            school_year__school=self.school
        ).select_related("school_year")
        self.fields["advisory"].queryset = Advisory.objects.visible_to(user).filter(
            school=self.school
        )
        self.today = self.school.today()
        self.current_year = SchoolYear.objects.current_for(self.school, self.today)
        self.fields["year"].initial = self.current_year

    def selects(self) -> list[tuple]:
        """Each filter as (bound field, its ``<select>`` written in one pass): a school of
        5,000 has over 300 advisories, too many options for a widget template each."""
        shown = []
        for field in self.visible_fields():
            chosen = field.value()
            chosen = "" if chosen is None else str(getattr(chosen, "pk", chosen))
            options = []
            for value, label in field.field.choices:
                value = "" if value is None else str(getattr(value, "value", value))
                selected = " selected" if value == chosen else ""
                options.append(
                    f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>'
                )
            invalid = " is-invalid" if field.errors else ""
            described = f' aria-describedby="{field.html_name}-error" aria-invalid="true"'
            select = (
                f'<select name="{field.html_name}" id="{field.id_for_label}" '
                f'class="form-select{invalid}"{described if field.errors else ""}>'
                f"{''.join(options)}</select>"
            )
            shown.append((field, mark_safe(select)))  # noqa: S308 - every text escaped
        return shown

    def _school(self, schools, chosen) -> School:
        if self.user.school_id and not chosen:
            return self.user.school
        school = None
        if chosen and str(chosen).isdigit():
            school = schools.filter(pk=chosen).first()
        school = school or schools.first()
        if school is None:
            raise Http404("No school to report on.")
        return school

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year") or self.current_year
        term = cleaned.get("term")
        if term is not None and year is not None and term.school_year_id != year.pk:
            self.add_error("term", _("This term belongs to another school year."))
        cleaned["year"] = year
        return cleaned

    def scope(self) -> Scope | None:
        """The report's scope, once the filters are valid (None while the "
        "school has no year)."""
        data = self.cleaned_data
        if data["year"] is None:
            return None
        chosen = {
            "school": self.school.pk if access.is_network_admin(self.user) else None,
            "year": data["year"].pk,
            "term": data["term"].pk if data.get("term") else None,
            "level": data.get("level"),
            "advisory": data["advisory"].pk if data.get("advisory") else None,
        }
        return Scope(
            user=self.user,
            school=self.school,
            year=data["year"],
            term=data.get("term"),
            level=data.get("level"),
            advisory=data.get("advisory"),
            today=self.today,
            query=urlencode({key: value for key, value in chosen.items() if value is not None}),
        )
