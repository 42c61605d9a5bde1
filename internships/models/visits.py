"""What the adults record about an internship under way: the advisor's site visits and the
mentor's evaluations, with the mentor's rubric."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from internships.models.placements import Placement
from students.models import FIVE_GOALS


class SiteVisit(models.Model):
    """The advisor's visit to a student's internship."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="visits"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on = models.DateField(_("date"))
    observations = models.TextField(_("observations"))
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "-on", "-pk"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")

    def __str__(self) -> str:
        return f"{self.placement_id} {self.on}"


# The mentor's rubric: each of the Five Learning Goals and these workplace qualities, 1-4.
WORKPLACE_QUALITIES = {
    "punctuality": _("Punctuality and attendance"),
    "initiative": _("Initiative"),
    "professionalism": _("Professionalism"),
    "workplace_communication": _("Communication at work"),
    "quality": _("Quality of work"),
}

RUBRIC_LEVELS = {
    1: _("Beginning"),
    2: _("Developing"),
    3: _("Proficient"),
    4: _("Exemplary"),
}

RUBRIC_KEYS = (*FIVE_GOALS, *WORKPLACE_QUALITIES)


class Evaluation(models.Model):
    """The mentor's evaluation of the intern for one semester of a school year."""

    class Semester(models.IntegerChoices):
        FIRST = 1, _("First semester")
        SECOND = 2, _("Second semester")

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("internship"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    school_year = models.ForeignKey(
        "bigpicture.SchoolYear",
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    semester = models.PositiveSmallIntegerField(_("semester"), choices=Semester.choices)
    # Learning goal codes and workplace qualities -> level 1-4.
    ratings = models.JSONField(_("rubric"), default=dict)
    strengths = models.TextField(_("strengths"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["placement_id", "school_year_id", "semester"]
        verbose_name = _("mentor evaluation")
        verbose_name_plural = _("mentor evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "school_year", "semester"],
                name="evaluation_one_per_semester",
                violation_error_message=_("This semester's evaluation is already written."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.school_year_id}/{self.semester}"
