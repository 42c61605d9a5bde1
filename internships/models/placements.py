"""A student's way into a workplace and the internship itself: exploration steps, the
placement and its agreement, every step of its pipeline, the daily log, the advisor's site
visits, the mentor's evaluations and the messages between mentor and advisor."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bigpicture.links import link
from internships.models.directory import Mentor
from students.models import Student


def mentored_by(user) -> Q:
    """Placements a person mentors, as a filter on Placement: from the family's consent on
    (a proposal, its review and the advisor's notes are the school's and the family's)."""
    consented = Q(status__in=["consented", "active", "completed"]) | Q(
        status="ended", consented_at__isnull=False
    )
    # A subquery rather than a join, so the visible placements need no DISTINCT.
    return Q(mentor__in=Mentor.objects.filter(user_id=user.pk).values("pk")) & consented


class ExplorationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(student__in=Student.objects.visible_to(user).values("pk"))


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
        students = Student.objects.visible_to(user).values("pk")
        return self.filter(Q(student__in=students) | mentored_by(user))

    def led_by(self, user):
        """Placements a person runs: the student's advisor, and the school's admins."""
        return self.filter(student__in=Student.objects.led_by(user).values("pk"))

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

    # Groups of states: in the pipeline or running; the agreement may still change; the
    # mentor accepted the intern.
    OPEN = (Status.PROPOSED, Status.APPROVED, Status.CONSENTED, Status.ACTIVE)
    EDITABLE = (Status.PROPOSED, Status.APPROVED)
    STARTED = (Status.ACTIVE, Status.COMPLETED)

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
        return link("internships:placement-detail", self.pk)

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def days_label(self) -> str:
        return ", ".join(str(self.Day(day).label) for day in self.days if day in self.Day.values)

    @property
    def is_open(self) -> bool:
        """Still in the pipeline or running (not completed nor ended)."""
        return self.status in self.OPEN

    @property
    def has_started(self) -> bool:
        """Active or completed, or ended after the mentor accepted the intern."""
        ended_running = self.status == self.Status.ENDED and self.accepted_at is not None
        return self.status in self.STARTED or ended_running

    def is_editable_by(self, user) -> bool:
        """Whether a person may change the agreement (while its state allows): the student
        who proposed it, or the student's advisor (or an admin)."""
        student = self.student
        return (user.pk == self.proposed_by_id and student.is_self(user)) or student.is_led_by(user)


def may_propose(user, student: Student) -> bool:
    """Whether a person may propose an internship for a student (and log their
    explorations): the student for themself, or their advisor (or an admin) for them."""
    return student.is_self(user) or student.is_led_by(user)


class PlacementEvent(models.Model):
    """One step of a placement's pipeline: who moved it from which state to which, when.

    A family's answer that is not their consent is a step of its own kind: consent declined
    (the agreement goes back to the advisor, the reason as the note), or a question asked
    instead (the state stays, the question as the note)."""

    class Kind(models.TextChoices):
        STEP = "", _("Step")
        DECLINED = "declined", _("Consent declined")
        QUESTION = "question", _("Question from the family")

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
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.STEP, blank=True
    )

    class Meta:
        ordering = ["placement_id", "at", "pk"]
        verbose_name = _("internship step")
        verbose_name_plural = _("internship steps")
        constraints = [
            # a family declines or asks in words: the reason or the question is the note
            models.CheckConstraint(
                condition=Q(kind="") | ~Q(note=""),
                name="placement_event_family_answer_has_note",
                violation_error_message=_("Say why, or what you would like to know."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.from_status} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return str(Placement.Status(self.to_status).label)


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
