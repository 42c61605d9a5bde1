"""A student's way into a workplace and the internship itself: exploration steps, the
placement and its agreement, every step of its pipeline, the daily log, the advisor's site
visits, the mentor's evaluations and the messages between mentor and advisor."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigpicture import access


def mentored_by(user) -> Q:
    """Placements a person mentors, as a filter on Placement: from the family's consent on
    (a proposal, its review and the advisor's notes are the school's and the family's)."""
    from internships.models.directory import Mentor

    consented = Q(status__in=["consented", "active", "completed"]) | Q(
        status="ended", consented_at__isnull=False
    )
    # A subquery rather than a join, so the visible placements need no DISTINCT.
    return Q(mentor__in=Mentor.objects.filter(user_id=user.pk).values("pk")) & consented


class ExplorationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(student__in=access.student_ids_visible_to(user))


class Exploration(models.Model):
    """A step before an internship: an informational interview or a shadow day."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Informational interview")
        SHADOW = "shadow", _("Shadow day")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="explorations",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    site = models.ForeignKey(
        "internships.Site",
        verbose_name=_("site"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="explorations",
    )
    with_whom = models.CharField(_("with whom"), max_length=200, blank=True)
    on = models.DateField(_("date"))
    reflection = models.TextField(_("reflection"))
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    objects = ExplorationQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "-on", "-pk"]
        verbose_name = _("exploration")
        verbose_name_plural = _("explorations")

    def __str__(self) -> str:
        return f"{self.kind_label}: {self.site or self.with_whom} ({self.on})"

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Placements of students a person may see, and those a mentor mentors."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(student__in=access.student_ids_visible_to(user)) | mentored_by(user))

    def led_by(self, user):
        """Placements a person runs: the student's advisor, and the school's admins."""
        return self.filter(student__in=access.student_ids_led_by(user))

    def mentored_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(mentored_by(user))


class Placement(models.Model):
    """A student's internship at a site with a mentor, and its agreement.

    The pipeline: proposed -> approved by the advisor -> consented by a guardian -> accepted
    by the mentor (active) -> completed, or ended early with a reason. Each step is also the
    signature of the agreement by that member of the team.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved by the advisor")
        CONSENTED = "consented", _("Family consent given")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    class Day(models.TextChoices):
        MON = "mon", _("Monday")
        TUE = "tue", _("Tuesday")
        WED = "wed", _("Wednesday")
        THU = "thu", _("Thursday")
        FRI = "fri", _("Friday")
        SAT = "sat", _("Saturday")
        SUN = "sun", _("Sunday")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="placements",
    )
    site = models.ForeignKey(
        "internships.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    mentor = models.ForeignKey(
        "internships.Mentor",
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    opportunity = models.ForeignKey(
        "internships.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    # The agreement
    project = models.CharField(_("internship project"), max_length=200)
    project_description = models.TextField(_("what the project is"), blank=True)
    plan_items = models.ManyToManyField(
        "students.PlanItem",
        verbose_name=_("learning plan goals"),
        blank=True,
        related_name="placements",
    )
    days = models.JSONField(_("days of the week"), default=list)
    starts_at_time = models.TimeField(_("from"), null=True, blank=True)
    ends_at_time = models.TimeField(_("until"), null=True, blank=True)
    start_on = models.DateField(_("first day"))
    end_on = models.DateField(_("last day"))
    review_on = models.DateField(_("review date"), null=True, blank=True)
    # Who signed, and when (each step of the pipeline is a signature)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent given by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted by the mentor at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended early"), blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "pk"]
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gt=models.F("start_on")),
                name="placement_ends_after_it_starts",
                violation_error_message=_("The last day must come after the first day."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | ~Q(end_reason=""),
                name="placement_ended_has_reason",
                violation_error_message=_("Say why the internship ended early."),
            ),
        ]
        indexes = [models.Index(fields=["status", "end_on"])]

    def __str__(self) -> str:
        return f"{self.project} ({self.site})"

    def get_absolute_url(self) -> str:
        return reverse("internships:placement-detail", kwargs={"pk": self.pk})

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def days_label(self) -> str:
        return ", ".join(str(self.Day(day).label) for day in self.days if day in self.Day.values)

    @property
    def is_open(self) -> bool:
        """Still in the pipeline or running (not completed nor ended)."""
        return self.status not in (self.Status.COMPLETED, self.Status.ENDED)


class PlacementEvent(models.Model):
    """One step of a placement's pipeline: who moved it from which state to which, when."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Placement.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Placement.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["placement_id", "at", "pk"]
        verbose_name = _("internship step")
        verbose_name_plural = _("internship steps")

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.from_status} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return str(Placement.Status(self.to_status).label)


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


class Message(models.Model):
    """A message between the mentor and the advisor about an internship."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("internship"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["placement_id", "created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return self.body[:60]
