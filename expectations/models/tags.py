"""Work tagged with the expectations it serves: a plan's goals and projects, internships,
exhibitions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from expectations.models.catalog import Expectation
from internships.models import Placement
from students.models import Exhibition, PlanItem, Student

# The kinds of work a tag may point at: (URL word, field of WorkTag).
TAGGED_KINDS = {"item": "item", "internship": "placement", "exhibition": "exhibition"}


class WorkTagQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(student__in=Student.objects.visible_to(user))


class WorkTag(models.Model):
    """One expectation a piece of a student's work serves, chosen by the student or their
    advisor. Exactly one of ``item``, ``placement`` and ``exhibition`` is set."""

    expectation = models.ForeignKey(
        Expectation, verbose_name=_("expectation"), on_delete=models.PROTECT, related_name="+"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="work_tags"
    )
    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("goal or project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="expectation_tags",
    )
    placement = models.ForeignKey(
        Placement,
        verbose_name=_("internship"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="expectation_tags",
    )
    exhibition = models.ForeignKey(
        Exhibition,
        verbose_name=_("exhibition"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="expectation_tags",
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tagged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tagged at"), auto_now_add=True)

    objects = WorkTagQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "expectation__number", "pk"]
        verbose_name = _("expectation tag")
        verbose_name_plural = _("expectation tags")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(item__isnull=False, placement__isnull=True, exhibition__isnull=True)
                    | Q(item__isnull=True, placement__isnull=False, exhibition__isnull=True)
                    | Q(item__isnull=True, placement__isnull=True, exhibition__isnull=False)
                ),
                name="work_tag_one_kind_of_work",
            ),
            models.UniqueConstraint(
                fields=["expectation", "item"],
                condition=Q(item__isnull=False),
                name="work_tag_unique_item",
            ),
            models.UniqueConstraint(
                fields=["expectation", "placement"],
                condition=Q(placement__isnull=False),
                name="work_tag_unique_placement",
            ),
            models.UniqueConstraint(
                fields=["expectation", "exhibition"],
                condition=Q(exhibition__isnull=False),
                name="work_tag_unique_exhibition",
            ),
        ]

    def __str__(self) -> str:
        return str(self.expectation)
