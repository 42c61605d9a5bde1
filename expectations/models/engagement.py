"""Early warning: each student's engagement status (on track, watch, act) with the signals
behind it, the school's thresholds, and the advisor's check-ins that answer it.

The status is computed for the whole school by a periodic task (and on demand for one
student) and stored with its signals and its time; pages read it, never recompute it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from expectations.models.catalog import Expectation
from students.models import Student


class EngagementSettings(models.Model):
    """A school's thresholds for the signals of disengagement (sensible defaults)."""

    school = models.OneToOneField(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="engagement_settings",
    )
    low_rating = models.PositiveSmallIntegerField(
        _("low rating"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("A student's rating of an expectation at or below this is a signal."),
    )
    falling_by = models.PositiveSmallIntegerField(
        _("falling rating"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("A rating this many points below the student's last term is a signal."),
    )
    plan_quiet_weeks = models.PositiveSmallIntegerField(
        _("weeks without a plan change"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    internship_quiet_weeks = models.PositiveSmallIntegerField(
        _("weeks without confirmed internship hours"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    absences = models.PositiveSmallIntegerField(
        _("absences in the last 4 weeks"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    act_signals = models.PositiveSmallIntegerField(
        _("signals that call to act"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("With fewer signals a student is on watch; with this many, act."),
    )

    class Meta:
        verbose_name = _("early warning settings")
        verbose_name_plural = _("early warning settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(low_rating__gte=1, low_rating__lte=4)
                & Q(falling_by__gte=1, falling_by__lte=4)
                & Q(plan_quiet_weeks__gte=1)
                & Q(internship_quiet_weeks__gte=1)
                & Q(absences__gte=1)
                & Q(act_signals__gte=1),
                name="engagement_settings_sane",
            )
        ]

    def __str__(self) -> str:
        return str(self.school)


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Statuses of the students a person runs: their advisor and the school's admins."""
        return self.filter(student__in=Student.objects.led_by(user))


class Engagement(models.Model):
    """A student's engagement status as last computed, with every signal found then (each a
    dict: ``code``, and ``key`` / ``value`` where it names an expectation or a number)."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        WATCH = "watch", _("Watch")
        ACT = "act", _("Act")

    student = models.OneToOneField(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="engagement"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ON_TRACK
    )
    signals = models.JSONField(_("signals"), default=list, blank=True)
    # The signals an advisor's check-in has answered since: they count again only when new.
    answered = models.JSONField(_("answered by a check-in"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = EngagementQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement status")
        verbose_name_plural = _("engagement statuses")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["on_track", "watch", "act"]),
                name="engagement_status_known",
            )
        ]
        indexes = [models.Index(fields=["status"], name="engagement_status")]

    def __str__(self) -> str:
        return f"{self.student}: {self.get_status_display()}"

    @property
    def open_signals(self) -> list[dict]:
        """The signals no check-in has answered: the reasons the status gives."""
        answered = set(self.answered)
        return [signal for signal in self.signals if signal_id(signal) not in answered]


def signal_id(signal: dict) -> str:
    """What makes a signal the same one from one computation to the next."""
    return f"{signal['code']}:{signal.get('key', '')}"


class CheckInQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Check-ins on the students a person runs (their advisor, the school's admins)."""
        return self.filter(student__in=Student.objects.led_by(user))


class CheckIn(models.Model):
    """An advisor's conversation with a student who needed one."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="check_ins"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on = models.DateField(_("day"))
    talked_about = models.TextField(_("what we talked about"), max_length=4000)
    follow_up = models.TextField(_("follow-up"), max_length=2000, blank=True)
    expectations = models.ManyToManyField(
        Expectation, verbose_name=_("expectations it touched"), blank=True, related_name="+"
    )
    answered = models.JSONField(_("signals answered"), default=list, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "-on", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.student} · {self.on}"
