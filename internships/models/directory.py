"""Workplaces and the people there: sites, mentors with their background checks, the
opportunities students browse, and the school's hour targets per year level."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bigpicture import access
from bigpicture.links import link


class CareerCluster(models.TextChoices):
    """The sixteen career clusters schools use to group workplaces."""

    AGRICULTURE = "agriculture", _("Agriculture, food and natural resources")
    CONSTRUCTION = "construction", _("Architecture and construction")
    ARTS = "arts", _("Arts, audio-video technology and communications")
    BUSINESS = "business", _("Business management and administration")
    EDUCATION = "education", _("Education and training")
    FINANCE = "finance", _("Finance")
    GOVERNMENT = "government", _("Government and public administration")
    HEALTH = "health", _("Health science")
    HOSPITALITY = "hospitality", _("Hospitality and tourism")
    HUMAN_SERVICES = "human_services", _("Human services")
    IT = "it", _("Information technology")
    LAW = "law", _("Law, public safety, corrections and security")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MARKETING = "marketing", _("Marketing")
    STEM = "stem", _("Science, technology, engineering and mathematics")
    TRANSPORTATION = "transportation", _("Transportation, distribution and logistics")


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sites of a person's school: staff see all; students and families the active ones
        and those the student proposed; a mentor their own site."""
        if access.is_network_admin(user):
            return self.all()
        if not user.is_authenticated or user.school_id is None:
            return self.none()
        school = Q(school_id=user.school_id)
        if access.has_role(user, access.ADMIN, access.ADVISOR):
            return self.filter(school)
        reach = Q(status=Site.Status.ACTIVE) | Q(proposed_by_id=user.pk)
        if access.has_role(user, access.MENTOR):
            reach |= Q(mentors__user_id=user.pk)
        return self.filter(school & reach).distinct()

    def editable_by(self, user):
        """Sites a person may change: the school's admins."""
        if access.is_network_admin(user):
            return self.all()
        if not access.has_role(user, access.ADMIN):
            return self.none()
        return self.filter(school_id=user.school_id)


class Site(models.Model):
    """A workplace where students learn: its organization, place, field and safety review."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed by a student")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("No longer used")

    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="sites",
    )
    organization = models.CharField(_("organization"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    cluster = models.CharField(_("career cluster"), max_length=30, choices=CareerCluster.choices)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    safety_reviewed_on = models.DateField(_("safety review"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "organization"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "organization"],
                name="site_unique_organization",
                violation_error_message=_("This organization is already a site of the school."),
            )
        ]

    def __str__(self) -> str:
        return self.organization

    def get_absolute_url(self) -> str:
        return link("internships:site-detail", self.pk)

    @property
    def cluster_label(self) -> str:
        return str(CareerCluster(self.cluster).label) if self.cluster else ""

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)


class MentorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Mentors of a person's school, for staff; a mentor sees themself."""
        if access.is_network_admin(user):
            return self.all()
        if not user.is_authenticated or user.school_id is None:
            return self.none()
        if access.has_role(user, access.ADMIN, access.ADVISOR):
            return self.filter(site__school_id=user.school_id)
        return self.filter(user_id=user.pk)

    def placeable(self, today: date):
        """Mentors whose background check is cleared and not expired on a day."""
        return self.filter(
            background_check=Mentor.Check.CLEARED, check_expires_on__gte=today, user__is_active=True
        )


class Mentor(models.Model):
    """An expert at a site who mentors interns: their role, contact and background check.

    The person's name and email live on their account (a ``User`` with the mentor role and
    no password: mentors sign in with one-time links).
    """

    class Check(models.TextChoices):
        MISSING = "missing", _("Not started")
        PENDING = "pending", _("In progress")
        CLEARED = "cleared", _("Cleared")
        FAILED = "failed", _("Not cleared")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="mentor_profile",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="mentors"
    )
    job_title = models.CharField(_("role at the site"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    background_check = models.CharField(
        _("background check"), max_length=20, choices=Check.choices, default=Check.MISSING
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    check_expires_on = models.DateField(_("check expires on"), null=True, blank=True)

    objects = MentorQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [
            models.CheckConstraint(
                condition=~Q(background_check="cleared")
                | (Q(checked_on__isnull=False) & Q(check_expires_on__isnull=False)),
                name="mentor_cleared_check_has_dates",
                violation_error_message=_("A cleared check needs the date and the expiry date."),
            ),
            models.CheckConstraint(
                condition=Q(check_expires_on__isnull=True)
                | Q(checked_on__isnull=True)
                | Q(check_expires_on__gt=models.F("checked_on")),
                name="mentor_check_expires_after_it_is_done",
                violation_error_message=_("The check must expire after the day it was done."),
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email

    def get_absolute_url(self) -> str:
        return link("internships:mentor-update", self.pk)

    @property
    def check_label(self) -> str:
        return str(self.Check(self.background_check).label)

    def placement_refusal(self, today: date) -> str:
        """Why the mentor cannot take an intern on a day, or "" when they can."""
        if not self.user.is_active:
            return str(_("The mentor's account is deactivated."))
        if self.background_check != self.Check.CLEARED:
            return str(
                _("The mentor's background check is not cleared (%(status)s).")
                % {"status": self.check_label}
            )
        if self.check_expires_on is None or self.check_expires_on < today:
            return str(
                _("The mentor's background check expired on %(day)s.")
                % {"day": self.check_expires_on}
            )
        return ""


class OpportunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Opportunities at sites a person may see."""
        return self.filter(site__in=Site.objects.visible_to(user))


class Opportunity(models.Model):
    """An internship a site offers, tagged with the interests it suits."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="opportunities"
    )
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("mentor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what the intern will do"), blank=True)
    interests = models.CharField(
        _("interests"),
        max_length=300,
        blank=True,
        help_text=_("Words students might use for their interests, separated by commas."),
    )
    is_open = models.BooleanField(_("open to students"), default=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["site_id", "title"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")

    def __str__(self) -> str:
        return f"{self.title} ({self.site})"

    def get_absolute_url(self) -> str:
        return link("internships:opportunity-detail", self.pk)

    @property
    def tags(self) -> list[str]:
        return [tag.strip() for tag in self.interests.split(",") if tag.strip()]


class HoursTarget(models.Model):
    """The internship hours a school expects of a student in a year level (101-401)."""

    class Level(models.IntegerChoices):
        Y101 = 101, "101"
        Y201 = 201, "201"
        Y301 = 301, "301"
        Y401 = 401, "401"

    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="hours_targets",
    )
    year_level = models.PositiveSmallIntegerField(_("year level"), choices=Level.choices)
    hours = models.PositiveSmallIntegerField(_("hours in the year"))

    class Meta:
        ordering = ["school_id", "year_level"]
        verbose_name = _("hours target")
        verbose_name_plural = _("hours targets")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year_level"], name="hours_target_one_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year_level}: {self.hours}"
