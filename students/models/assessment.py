"""Assessment without grades: each term's narratives and exhibitions, and the gateways."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bigpicture.links import link
from students.models.profile import Student


class NarrativeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Narratives a person may read: staff see both; the student their own, and the
        advisor's once it is published, as the family does."""
        if not user.is_authenticated:
            return self.none()
        led = Q(student__in=Student.objects.led_by(user).values("pk"))
        own = Q(student__user_id=user.pk, kind=Narrative.Kind.STUDENT)
        published = Q(
            student__in=Student.objects.visible_to(user).values("pk"),
            kind=Narrative.Kind.ADVISOR,
            published_at__isnull=False,
        )
        return self.filter(led | own | published)


class Narrative(models.Model):
    """A term's narrative, by the student or by the advisor, organized by learning goal."""

    class Kind(models.TextChoices):
        STUDENT = "student", _("Student's narrative")
        ADVISOR = "advisor", _("Advisor's narrative")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="narratives",
    )
    term = models.ForeignKey(
        "bigpicture.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        related_name="narratives",
    )
    kind = models.CharField(_("written by"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # One text per learning goal code, and one for the personal goals (FIVE_GOALS, PERSONAL).
    sections = models.JSONField(_("sections"), default=dict)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = NarrativeQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "-term__start_date", "kind"]
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term", "kind"],
                name="narrative_one_per_kind_term",
                violation_error_message=_("This narrative is already written for this term."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}: {self.student}, {self.term}"

    def get_absolute_url(self) -> str:
        return link("students:narrative-detail", self.pk)

    @property
    def kind_label(self) -> str:
        return str(self.Kind(self.kind).label)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


def may_write_narrative(user, student: Student, kind: str) -> bool:
    """The student writes their own narrative; the advisor (or an admin) writes theirs."""
    if kind == Narrative.Kind.STUDENT:
        return user.is_authenticated and user.pk == student.user_id
    return kind == Narrative.Kind.ADVISOR and student.is_led_by(user)


SEATED_READERS = ["peer"]


class ExhibitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Exhibitions of students a person may see, those a peer sits on the panel of, and
        those a mentor of the student sits on the panel of."""
        if not user.is_authenticated:
            return self.none()
        # Rights end with the role that gave them. The advisor reads through leading the
        # student now (a former advisor's seat opens nothing); a mentor's seat opens the
        # exhibition only while they mentor the student; a family's reach follows the live
        # guardian link.
        seats = Panelist.objects.filter(person_id=user.pk).filter(
            Q(role__in=SEATED_READERS)
            | Q(
                role=Panelist.Role.MENTOR,
                exhibition__student__in=Student.objects.mentored_by(user).values("pk"),
            )
        )
        seated = Q(pk__in=seats.values("exhibition_id"))
        return self.filter(Q(student__in=Student.objects.visible_to(user).values("pk")) | seated)

    def editable_by(self, user):
        """Exhibitions a person may schedule and change: the student's advisor, admins."""
        return self.filter(student__in=Student.objects.led_by(user).values("pk"))


class Exhibition(models.Model):
    """A student's public presentation of the term's work to a panel."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Gateway(models.TextChoices):
        NONE = "", _("Not a gateway")
        YEAR_TWO = "year_two", _("Gateway at the end of year two")
        GRADUATION = "graduation", _("Graduation gateway")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not decided yet")
        PASSED = "passed", _("Passed")
        NOT_YET = "not_yet", _("Not yet: present again")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="exhibitions",
    )
    term = models.ForeignKey(
        "bigpicture.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        related_name="exhibitions",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration = models.PositiveSmallIntegerField(_("length in minutes"), default=45)
    room = models.CharField(_("room"), max_length=100, blank=True)
    work = models.ManyToManyField(
        "students.PlanItem",
        verbose_name=_("work shown"),
        blank=True,
        related_name="exhibitions",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    gateway = models.CharField(_("gateway"), max_length=20, choices=Gateway.choices, blank=True)
    outcome = models.CharField(
        _("gateway outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    summary = models.TextField(_("summary of the panel's feedback"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)

    objects = ExhibitionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__gte=5) & Q(duration__lte=480),
                name="exhibition_duration_sane",
                violation_error_message=_("An exhibition lasts between 5 minutes and 8 hours."),
            ),
            models.CheckConstraint(
                condition=~Q(gateway="") | Q(outcome=""),
                name="exhibition_outcome_only_for_gateways",
                violation_error_message=_("Only a gateway exhibition has an outcome."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return link("students:exhibition-detail", self.pk)

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def gateway_label(self) -> str:
        return str(self.Gateway(self.gateway).label)

    @property
    def outcome_label(self) -> str:
        return str(self.Outcome(self.outcome).label)


class Panelist(models.Model):
    """A member of an exhibition's panel: someone with an account, or an outside adult."""

    class Role(models.TextChoices):
        ADVISOR = "advisor", _("Advisor")
        GUARDIAN = "guardian", _("Guardian")
        MENTOR = "mentor", _("Mentor")
        PEER = "peer", _("Peer")
        OUTSIDE = "outside", _("Outside adult")

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("exhibition"), on_delete=models.CASCADE, related_name="panelists"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="panels",
    )
    name = models.CharField(
        _("name"),
        max_length=150,
        blank=True,
        help_text=_("For an outside adult without an account."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["exhibition_id", "role", "pk"]
        verbose_name = _("panelist")
        verbose_name_plural = _("panelists")
        constraints = [
            models.UniqueConstraint(
                fields=["exhibition", "person"],
                name="panelist_unique_person",
                violation_error_message=_("This person is already on the panel."),
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="panelist_person_or_name",
                violation_error_message=_("Choose a person or enter an outside adult's name."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.person) if self.person_id else self.name

    @property
    def role_label(self) -> str:
        return str(self.Role(self.role).label)


def may_give_feedback(user, exhibition: Exhibition, panelist: Panelist) -> bool:
    """A panelist with an account records their own; the advisor (or an admin) records an
    outside adult's."""
    if panelist.exhibition_id != exhibition.pk:
        return False
    if panelist.person_id:
        return panelist.person_id == user.pk
    return exhibition.student.is_led_by(user)


class Feedback(models.Model):
    """A panelist's rubric, one level per learning goal, and comments on an exhibition."""

    class Level(models.IntegerChoices):
        BEGINNING = 1, _("Beginning")
        DEVELOPING = 2, _("Developing")
        PROFICIENT = 3, _("Proficient")
        EXEMPLARY = 4, _("Exemplary")

    exhibition = models.ForeignKey(
        Exhibition, verbose_name=_("exhibition"), on_delete=models.CASCADE, related_name="feedback"
    )
    panelist = models.OneToOneField(
        Panelist, verbose_name=_("panelist"), on_delete=models.CASCADE, related_name="feedback"
    )
    # Learning goal code -> level (1-4); a goal the work did not touch is left out.
    ratings = models.JSONField(_("rubric"), default=dict)
    strengths = models.TextField(_("strengths"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["exhibition_id", "pk"]
        verbose_name = _("exhibition feedback")
        verbose_name_plural = _("exhibition feedback")

    def __str__(self) -> str:
        return f"{self.panelist}: {self.exhibition}"
