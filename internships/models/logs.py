"""The internship's daily log: each day the student checks in and out, and the mentor's
confirmation of it."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from internships.models.placements import Placement

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class DailyLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(placement__in=Placement.objects.visible_to(user))


class DailyLog(models.Model):
    """One internship day: the student's check-in and check-out, and the mentor's word."""

    class Review(models.TextChoices):
        CLAIMED = "claimed", _("Waiting for the mentor")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")

    placement = models.ForeignKey(
        Placement, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="logs"
    )
    on = models.DateField(_("day"))
    goal = models.TextField(_("my goal for the day"))
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    did = models.TextField(_("what I did"), blank=True)
    reflection = models.TextField(_("reflection"), blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    learning = models.PositiveSmallIntegerField(
        _("how much I learned (1-5)"), null=True, blank=True, validators=RATING
    )
    engagement = models.PositiveSmallIntegerField(
        _("how engaged I was (1-5)"), null=True, blank=True, validators=RATING
    )
    support = models.PositiveSmallIntegerField(
        _("how supported I felt (1-5)"), null=True, blank=True, validators=RATING
    )
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    review = models.CharField(
        _("mentor's review"), max_length=20, choices=Review.choices, default=Review.CLAIMED
    )
    confirmed_hours = models.DecimalField(
        _("hours confirmed"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    mentor_comment = models.TextField(_("mentor's comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = DailyLogQuerySet.as_manager()

    class Meta:
        ordering = ["placement_id", "-on"]
        verbose_name = _("daily log")
        verbose_name_plural = _("daily logs")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "on"],
                name="daily_log_one_per_day",
                violation_error_message=_("There is already a log for this day."),
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | (Q(hours__gt=0) & Q(hours__lte=24)),
                name="daily_log_hours_in_a_day",
                violation_error_message=_("Hours must be more than 0 and at most 24."),
            ),
        ]
        indexes = [models.Index(fields=["review", "on"])]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.on}"

    @property
    def review_label(self) -> str:
        return str(self.Review(self.review).label)

    @property
    def checked_out(self) -> bool:
        return self.checked_out_at is not None
