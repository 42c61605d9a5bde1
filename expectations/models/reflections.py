"""Term reflections: each term a student, their family and their advisor say, for each
expectation, how well school met it (1 to 5) with an optional comment."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from expectations.models.catalog import Expectation
from students.models import Student

SCORES = range(1, 6)


class ReflectionWindow(models.Model):
    """A term's due date for reflections (an admin setting); without one, the term's last
    day."""

    term = models.OneToOneField(
        "bigpicture.Term",
        verbose_name=_("term"),
        on_delete=models.CASCADE,
        related_name="reflection_window",
    )
    due_on = models.DateField(_("reflections due on"))

    class Meta:
        verbose_name = _("reflection due date")
        verbose_name_plural = _("reflection due dates")

    def __str__(self) -> str:
        return f"{self.term}: {self.due_on}"


class ReflectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reflections on the students a person may see (names of shared comments are
        hidden from admins by the pages, not here)."""
        return self.filter(student__in=Student.objects.visible_to(user))

    def of_term(self, term_id: int):
        return self.filter(term_id=term_id)


class Reflection(models.Model):
    """One person's reflection on one student's term: the student's own, a family's, or
    the advisor's view. One per person per student per term; editable until the due date."""

    class Perspective(models.TextChoices):
        STUDENT = "student", _("Student")
        FAMILY = "family", _("Family")
        ADVISOR = "advisor", _("Advisor")

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="reflections"
    )
    term = models.ForeignKey(
        "bigpicture.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        related_name="reflections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    perspective = models.CharField(
        _("perspective"), max_length=10, choices=Perspective.choices, default=Perspective.STUDENT
    )
    # Where the student was when the reflection was written, so the school's views group
    # it by the advisory and year level of its term (students move, and grow a year).
    advisory = models.ForeignKey(
        "advisories.Advisory",
        verbose_name=_("advisory"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    year_level = models.PositiveSmallIntegerField(_("year level"), null=True, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "term_id", "perspective"]
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "author"], name="reflection_one_per_person_per_term"
            )
        ]
        indexes = [
            models.Index(fields=["term", "perspective", "advisory"], name="reflection_term_view")
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.term} · {self.get_perspective_display()}"


def due_on(term, window: ReflectionWindow | None) -> date:
    """The last day a term's reflections may be written or changed."""
    return window.due_on if window is not None else term.end_date


class Rating(models.Model):
    """How well school met one expectation this term, in one reflection (1 to 5)."""

    reflection = models.ForeignKey(
        Reflection, verbose_name=_("reflection"), on_delete=models.CASCADE, related_name="ratings"
    )
    expectation = models.ForeignKey(
        Expectation, verbose_name=_("expectation"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("how well school met it"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    shared = models.BooleanField(
        _("share with the school without my name"),
        default=False,
        help_text=_("The school's admins read it without your name; your advisor knows."),
    )

    class Meta:
        ordering = ["reflection_id", "expectation__number"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "expectation"], name="rating_one_per_expectation"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="rating_score_1_to_5",
                violation_error_message=_("Choose a rating from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expectation}: {self.score}"
