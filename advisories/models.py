"""Advisories and the membership of students in them over the years."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from bigpicture import access
from bigpicture.links import link


class AdvisoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisories a person may open: the school's for admins, their own for advisors."""
        if access.is_network_admin(user):
            return self.all()
        if not user.is_authenticated or user.school_id is None:
            return self.none()
        roles = access.roles_of(user)
        if access.ADMIN in roles:
            return self.filter(school_id=user.school_id)
        if access.ADVISOR in roles:
            return self.filter(school_id=user.school_id, advisor_id=user.pk)
        return self.none()

    def editable_by(self, user):
        """Advisories a person may create, rename, reassign: admins, within their school."""
        if access.is_network_admin(user):
            return self.all()
        if not access.has_role(user, access.ADMIN):
            return self.none()
        return self.filter(school_id=user.school_id)

    def with_size(self):
        """Annotate each advisory with the number of students currently in it."""
        return self.annotate(
            size=Count("memberships", filter=Q(memberships__end_date__isnull=True))
        )

    def over_capacity(self):
        """Advisories holding more students than their capacity (or the school's), in SQL."""
        return (
            self.with_size()
            .annotate(limit=Coalesce("capacity", "school__advisory_capacity"))
            .filter(size__gt=F("limit"))
        )


class Advisory(models.Model):
    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="advisories",
    )
    name = models.CharField(_("name"), max_length=120)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="advisories",
        limit_choices_to={"is_advisor": True},
    )
    graduating_class = models.PositiveSmallIntegerField(
        _("graduating class"), help_text=_("The year these students graduate, e.g. 2029.")
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the school's setting."),
    )

    objects = AdvisoryQuerySet.as_manager()

    class Meta:
        ordering = ["-graduating_class", "name"]
        verbose_name = _("advisory")
        verbose_name_plural = _("advisories")
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="advisory_unique_name"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="advisory_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(graduating_class__gte=2000) & Q(graduating_class__lte=2200),
                name="advisory_graduating_class_sane",
                violation_error_message=_("Enter a graduating class such as 2029."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("advisories:advisory-detail", self.pk)

    def is_editable_by(self, user) -> bool:
        """Whether a person may rename or reassign this advisory (``editable_by``: the
        school's admins), asked of the advisory in hand without a query."""
        return self.school.is_administered_by(user)

    @property
    def effective_capacity(self) -> int:
        return self.capacity or self.school.advisory_capacity

    def current_size(self) -> int:
        size = getattr(self, "size", None)
        if size is None:
            size = self.memberships.current().count()
        return size

    @property
    def is_over_capacity(self) -> bool:
        return self.current_size() > self.effective_capacity

    @property
    def is_full(self) -> bool:
        return self.current_size() >= self.effective_capacity

    def clean(self) -> None:
        super().clean()
        if self.advisor_id and self.school_id:
            advisor = self.advisor
            if advisor.school_id != self.school_id:
                raise ValidationError({"advisor": _("The advisor must work at this school.")})
            if not advisor.is_advisor:
                raise ValidationError({"advisor": _("This person is not an advisor.")})


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def on(self, day: date):
        """Memberships that were running on a given day."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )

    def advised_by(self, user):
        """Memberships in the advisories a person leads (with ``current()``: their students
        now). Memberships are read through the advisory or the student they belong to, so
        whoever reaches those reaches them."""
        return self.filter(advisory__advisor_id=user.pk)


class Membership(models.Model):
    """A student's time in one advisory: ``end_date`` is the first day no longer in it.

    The database keeps at most one open membership per student, and on PostgreSQL an
    exclusion constraint also forbids any two memberships of a student from overlapping.
    """

    advisory = models.ForeignKey(
        Advisory,
        verbose_name=_("advisory"),
        on_delete=models.PROTECT,  # deleting an advisory must not erase students' history
        related_name="memberships",
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    start_date = models.DateField(_("joined on"))
    end_date = models.DateField(_("left on"), null=True, blank=True)
    over_capacity_override = models.BooleanField(_("placed over capacity"), default=False)
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "start_date"]
        verbose_name = _("advisory membership")
        verbose_name_plural = _("advisory memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(end_date__isnull=True),
                name="membership_one_current_per_student",
                violation_error_message=_("This student is already in an advisory."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="membership_ends_after_start",
                violation_error_message=_("The end date cannot come before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(over_capacity_override=False) | ~Q(override_reason=""),
                name="membership_override_has_reason",
                violation_error_message=_("Say why the student is placed over capacity."),
            ),
        ]
        indexes = [models.Index(fields=["advisory", "end_date"], name="membership_advisory_open")]

    def __str__(self) -> str:
        return _("%(student)s in %(advisory)s") % {
            "student": self.student,
            "advisory": self.advisory,
        }

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    def clean(self) -> None:
        super().clean()
        if self.student_id and self.advisory_id:
            if self.student.school_id != self.advisory.school_id:
                raise ValidationError(
                    _("The student and the advisory belong to different schools.")
                )
            self._check_no_overlap()

    def _check_no_overlap(self) -> None:
        # The database enforces this too (on PostgreSQL); checking here gives a clear message.
        others = Membership.objects.filter(student_id=self.student_id).exclude(pk=self.pk)
        if self.end_date is not None:
            others = others.filter(start_date__lt=self.end_date)
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gt=self.start_date))
        if self.start_date and others.exists():
            raise ValidationError(
                _("The student is already in another advisory during these dates.")
            )
