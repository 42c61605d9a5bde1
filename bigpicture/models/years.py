"""The school's calendar: school years and their terms, dated periods that never overlap."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bigpicture.dates import span_errors
from bigpicture.models.core import School


class DatedPeriodQuerySet(models.QuerySet):
    def running_or_nearest(self, today: date):
        """The period running on a day, else the next one, else the latest one."""
        return (
            self.filter(start_date__lte=today, end_date__gte=today).first()
            or self.filter(start_date__gt=today).order_by("start_date").first()
            or self.order_by("-end_date").first()
        )


class DatedPeriod(models.Model):
    """A span of a school's calendar, from its first to its last day: a school year, a term.

    Each kind names its periods (with its own example) and says which periods its own may not
    overlap: the school's other years, the year's other terms.
    """

    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))

    overlap_message = ""  # what to say of a period that shares a day with another of its set

    class Meta:
        abstract = True

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date

    def school_today(self) -> date | None:
        """Today in the period's school; None while it belongs to no school yet."""
        raise NotImplementedError

    def siblings(self) -> models.QuerySet:
        """The periods this one may not overlap."""
        raise NotImplementedError

    def clean_bounds(self) -> None:
        """What a kind of period adds to the checks of its days (a term: inside its year)."""

    def clean(self) -> None:
        super().clean()
        today = self.school_today()
        if today is None:
            return
        if errors := span_errors(today, start_date=self.start_date, end_date=self.end_date):
            raise ValidationError(errors)
        if not (self.start_date and self.end_date):
            return
        self.clean_bounds()
        overlapping = self.siblings().filter(
            start_date__lte=self.end_date, end_date__gte=self.start_date
        )
        if overlapping.exclude(pk=self.pk).exists():
            raise ValidationError(self.overlap_message)


class SchoolYearQuerySet(DatedPeriodQuerySet):
    def visible_to(self, user):
        """School years of the schools a person may see."""
        return self.filter(school__in=School.objects.visible_to(user))

    def current_for(self, school: School, today: date | None = None):
        """The school year running today, else the next one, else the latest one."""
        return self.filter(school=school).running_or_nearest(today or school.today())


class SchoolYear(DatedPeriod):
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="years"
    )
    name = models.CharField(_("name"), max_length=40, help_text=_("For example 2026-2027."))

    objects = SchoolYearQuerySet.as_manager()
    overlap_message = _("This school year overlaps another one of the school.")

    class Meta:
        ordering = ["school_id", "start_date"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="school_year_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="school_year_ends_after_start",
                violation_error_message=_("The last day must come after the first day."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def graduation_year(self) -> int:
        """The class that graduates at the end of this school year."""
        return self.end_date.year

    def year_level(self, graduating_class: int) -> int | None:
        """Big Picture year level (101, 201, 301, 401) of a class in this year, if enrolled."""
        years_left = graduating_class - self.graduation_year
        if 0 <= years_left <= 3:
            return (4 - years_left) * 100 + 1
        return None

    def school_today(self) -> date | None:
        return self.school.today() if self.school_id else None

    def siblings(self):
        return SchoolYear.objects.filter(school_id=self.school_id)


class TermQuerySet(DatedPeriodQuerySet):
    def of_school(self, school_id: int):
        return self.filter(school_year__school_id=school_id)

    def current_for(self, school: School, today: date | None = None):
        """The term running today, else the next one, else the latest one."""
        terms = self.of_school(school.pk).select_related("school_year")
        return terms.running_or_nearest(today or school.today())


class Term(DatedPeriod):
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.CASCADE, related_name="terms"
    )
    name = models.CharField(_("name"), max_length=40, help_text=_("For example Quarter 1."))

    objects = TermQuerySet.as_manager()
    overlap_message = _("This term overlaps another term of the same year.")

    class Meta:
        ordering = ["school_year_id", "start_date"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(fields=["school_year", "name"], name="term_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="term_ends_after_start",
                violation_error_message=_("The last day must come after the first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.school_year}"

    def school_today(self) -> date | None:
        return self.school_year.school.today() if self.school_year_id else None

    def siblings(self):
        return Term.objects.filter(school_year_id=self.school_year_id)

    def clean_bounds(self) -> None:
        year = self.school_year
        if not (year.contains(self.start_date) and year.contains(self.end_date)):
            raise ValidationError(_("A term must fall inside its school year."))
