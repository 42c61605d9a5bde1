"""Core models: people and their roles, and schools (their years and terms: years.py)."""

import secrets
import zoneinfo
from datetime import date, time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from bigpicture import access
from bigpicture.links import link


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_deliverable_email(value: str) -> None:
    """Refuse an address that email cannot be sent to, checked the way it will be sent (the
    domain IDNA-encoded: a label of 58 accented letters passes the address syntax, then grows
    past the 63 characters a domain label may have)."""
    try:
        sanitize_address(value, settings.DEFAULT_CHARSET)
    except ValueError as error:  # UnicodeError included: the domain cannot be encoded
        raise ValidationError(
            _("Email cannot be sent to this address. Check it for a typing mistake."),
            code="undeliverable",
        ) from error


# An address taken in another school is refused without saying so: an admin must not learn
# who has an account elsewhere.
EMAIL_UNAVAILABLE = _("This email address cannot be used here. Check it, or use another one.")


def email_taken_message(taken, school_id: int | None) -> str:
    """What to tell of an address that is already someone's: plainly within the school,
    nothing specific beyond it."""
    if taken.school_id == school_id:
        return _("A person with this email address already exists.")
    return EMAIL_UNAVAILABLE


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    ADVISOR = "advisor", _("Advisor")
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")
    MENTOR = "mentor", _("Mentor")


# (role, lazy label) once: ``Role.choices`` builds its list anew at every use.
ROLE_LABELS = tuple(Role.choices)


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Schools a person may see: their own, or every school for a network admin."""
        if access.is_network_admin(user):
            return self.all()
        if not user.is_authenticated or user.school_id is None:
            return self.none()
        return self.filter(pk=user.school_id)

    def administered_by(self, user):
        """Schools whose overview and settings a person may manage."""
        if access.is_network_admin(user):
            return self.all()
        if not access.has_role(user, Role.ADMIN):
            return self.none()
        return self.filter(pk=user.school_id)


class School(models.Model):
    class TermSystem(models.TextChoices):
        QUARTERS = "quarters", _("Quarters")
        TRIMESTERS = "trimesters", _("Trimesters")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    term_system = models.CharField(
        _("terms"), max_length=12, choices=TermSystem.choices, default=TermSystem.QUARTERS
    )
    advisory_capacity = models.PositiveSmallIntegerField(
        _("students per advisory"),
        default=15,
        help_text=_("The usual number of students in one advisory (Big Picture aims for 15)."),
    )
    second_factor_for_admins = models.BooleanField(
        _("second factor required for admins"),
        default=True,
        help_text=_("Admins confirm every sign-in with a code from an authenticator app."),
    )
    second_factor_for_advisors = models.BooleanField(
        _("second factor required for advisors"),
        default=False,
        help_text=_("Advisors confirm every sign-in with a code from an authenticator app."),
    )
    access_record_days = models.PositiveIntegerField(
        _("keep the record of access for (days)"),
        default=7 * 365,
        validators=[MinValueValidator(365), MaxValueValidator(100 * 365)],
        help_text=_(
            "Who viewed, changed or exported each student's records is kept this long "
            "(at least a year; seven years by default), then removed."
        ),
    )

    evidence_limit_mb = models.PositiveIntegerField(
        _("largest evidence file (MB)"),
        default=200,
        validators=[MinValueValidator(1), MaxValueValidator(4096)],
        help_text=_(
            "The largest file a student may upload as evidence: a video or recording of an "
            "exhibition is often 100 MB or more."
        ),
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.CheckConstraint(
                condition=Q(advisory_capacity__gte=1), name="school_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("bigpicture:school-overview", self.pk)

    def is_administered_by(self, user) -> bool:
        """Whether a person may manage this school (``administered_by``), without a query."""
        if access.is_network_admin(user):
            return True
        return access.has_role(user, Role.ADMIN) and user.school_id == self.pk

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> date:
        """Today's date in the school's own time zone."""
        return timezone.localtime(timezone.now(), self.zone).date()

    def second_factor_required_for(self, roles: set[str]) -> bool:
        """Whether a person holding these roles here must confirm sign-ins with a code."""
        return (self.second_factor_for_admins and access.ADMIN in roles) or (
            self.second_factor_for_advisors and access.ADVISOR in roles
        )


class UserQuerySet(models.QuerySet):
    def with_role(self, role: str):
        return self.filter(**{access.ROLE_FIELDS[role]: True})

    # Whom a person may see among people follows the students they reach: the students app
    # says it (``students.models.people_visible_to``), as the core knows no students.

    def editable_by(self, user):
        """People whose account details a person may change: admins, within their school."""
        if access.is_network_admin(user):
            return self.all()
        if not access.has_role(user, Role.ADMIN):
            return self.none()
        # The people who run the deployment are managed in the back office only.
        return self.filter(school_id=user.school_id, is_superuser=False, is_staff=False)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("Every person needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: email is the login; one person may hold several roles."""

    # Empty only for a family member reached by phone: they have no account to sign in to.
    email = models.EmailField(
        _("email address"),
        unique=True,
        null=True,
        blank=True,
        validators=[validate_deliverable_email],
        error_messages={"unique": _("A person with this email address already exists.")},
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    phone = PhoneNumberField(
        _("phone"),
        blank=True,
        help_text=_("With the country code if it is not this school's country."),
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("Empty only for people who run the whole deployment."),
    )
    is_school_admin = models.BooleanField(_("admin"), default=False)
    is_advisor = models.BooleanField(_("advisor"), default=False)
    is_student = models.BooleanField(_("student"), default=False)
    is_guardian = models.BooleanField(_("guardian"), default=False)
    is_mentor = models.BooleanField(_("mentor"), default=False)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Part of the link in every email that opens the person's email choices without signing
    # in: a new value (after a change of choices or of address) retires every earlier link.
    preferences_nonce = models.CharField(max_length=24, blank=True, editable=False)
    quiet_hours_start = models.TimeField(
        _("quiet hours from"),
        null=True,
        blank=True,
        default=time(21, 0),
        help_text=_("No email in this time, in your school's time zone. Leave empty for none."),
    )
    quiet_hours_end = models.TimeField(
        _("quiet hours until"), null=True, blank=True, default=time(7, 0)
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("back-office access"),
        default=False,
        help_text=_("May use the Django admin site (deployment operators only)."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        indexes = [
            # the people directory and the student list page through a school by name
            models.Index(
                fields=["school", "last_name", "first_name", "id"], name="user_school_name"
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False) | Q(is_superuser=True),
                name="user_school_required_unless_superuser",
            ),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower(F("email"))),
                name="user_email_lowercase",
            ),
            # someone without an email address can still be reached
            models.CheckConstraint(
                condition=Q(email__isnull=False) | ~Q(phone=""),
                name="user_email_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_absolute_url(self) -> str:
        return link("bigpicture:person-update", self.pk)

    def clean(self) -> None:
        super().clean()
        # no address is NULL, never "": the unique index holds many NULLs but one ""
        email = self.__class__.objects.normalize_email(self.email or "").lower()
        self.email = email or None

    def rotate_preferences_link(self) -> None:
        """Retire every link to this person's email choices sent so far (saved by the caller)."""
        self.preferences_nonce = secrets.token_urlsafe(16)

    @property
    def masked_email(self) -> str:
        """The address as a page opened by a link may show it: j•••@example.org."""
        local, _at, domain = self.email.partition("@")
        return f"{local[:1]}•••@{domain}"

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def roles(self) -> set[str]:
        return access.roles_of(self)

    def get_roles_display(self) -> str:
        held = self.roles  # worked out once, not once per role
        return ", ".join(str(label) for role, label in ROLE_LABELS if role in held)
