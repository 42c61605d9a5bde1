"""Students and the families linked to them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisories.models import Membership
from bigpicture import access
from bigpicture.links import link
from bigpicture.models import User
from bigpicture.names import display_name
from bigpicture.prepared import prepared

# The states of an internship (``internships`` Placement.Status) in which its mentor is the
# student's mentor. Now: chosen for meetings and panels. Ever: what the internship itself
# shows its mentor (``internships.models.placements.mentored_by``), from the family's
# consent on; written here as lookups because students may not import internships.
MENTORING_NOW = ["consented", "active"]
MENTORING_EVER = Q(placements__status__in=["consented", "active", "completed"]) | Q(
    placements__status="ended", placements__consented_at__isnull=False
)


def _advised(user) -> Q:
    """The students now in the advisories a person leads (a subquery, so no duplicates)."""
    return Q(pk__in=Membership.objects.current().advised_by(user).values("student_id"))


@prepared
def _advises(advisor: int, student: int):
    """Whether a person now advises a student (as ``_advised``): a row, or none."""
    advised = Membership.objects.current().filter(advisory__advisor_id=advisor)
    return advised.filter(student_id=student).values_list("pk")[:1]


@prepared
def _guardian_of(guardian: int, student: int):
    """Whether a person is a guardian linked to a student: a row, or none."""
    return GuardianLink.objects.filter(guardian_id=guardian, student_id=student).values_list("pk")[
        :1
    ]


class StudentQuerySet(models.QuerySet):
    def _reach(self, user, *roles: str):
        """Students the given roles of a person reach within their school: an admin the
        school's, an advisor their advisories' students now, a student themself, a guardian
        their children. A network admin reaches every school's."""
        if access.is_network_admin(user):
            return self.all()
        if not user.is_authenticated or user.school_id is None:
            return self.none()
        held = access.roles_of(user) & set(roles)
        if access.ADMIN in held:
            return self.filter(school_id=user.school_id)
        reach = Q(pk__in=[])
        if access.ADVISOR in held:
            reach |= _advised(user)
        if access.STUDENT in held:
            reach |= Q(user_id=user.pk)
        if access.GUARDIAN in held:
            children = GuardianLink.objects.filter(guardian_id=user.pk).values("student_id")
            reach |= Q(pk__in=children)
        return self.filter(reach, school_id=user.school_id)

    def visible_to(self, user):
        """Students a person may see, following the access policy (no joins, so no
        duplicates)."""
        return self._reach(user, access.ADMIN, access.ADVISOR, access.STUDENT, access.GUARDIAN)

    def led_by(self, user):
        """Students whose learning and internships a person runs: an advisor their
        advisories' students, an admin their whole school."""
        return self._reach(user, *access.STAFF)

    def editable_by(self, user):
        """Profiles a person may edit: admins, the student's advisor, and the student."""
        return self._reach(user, *access.STUDENT_AND_STAFF)

    def mentored_by(self, user):
        """Students a person mentors (or mentored) an internship of, from the family's consent
        on: what an invitation or a panel seat as their mentor may open."""
        if not user.is_authenticated:
            return self.none()
        # One filter() call, so the mentor and the state are those of the same internship.
        return self.filter(MENTORING_EVER, placements__mentor__user_id=user.pk)

    def without_advisory(self):
        """Students with no current advisory membership (never placed, or left)."""
        return self.exclude(pk__in=Membership.objects.current().values("student_id"))


class Student(models.Model):
    """A learner's profile: who they are, what drives them, how they learn best."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="student_profile",
    )
    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="students",
    )
    graduating_class = models.PositiveSmallIntegerField(
        _("graduating class"), help_text=_("The year the student is expected to graduate.")
    )
    preferred_name = models.CharField(_("preferred name"), max_length=150, blank=True)
    interests = models.TextField(_("interests"), blank=True)
    talents = models.TextField(_("talents"), blank=True)
    needs = models.TextField(_("needs and supports"), blank=True)
    learning_style = models.TextField(_("how I learn best"), blank=True)
    motivation = models.TextField(_("what motivates me"), blank=True)
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            models.CheckConstraint(
                condition=Q(graduating_class__gte=2000) & Q(graduating_class__lte=2200),
                name="student_graduating_class_sane",
                violation_error_message=_("Enter a graduating class such as 2029."),
            ),
        ]
        indexes = [models.Index(fields=["school", "graduating_class"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return link("students:student-detail", self.pk)

    @property
    def display_name(self) -> str:
        return display_name(self.preferred_name, self.user.first_name, self.user.last_name)

    def is_self(self, user) -> bool:
        """Whether the person is the student themself."""
        return bool(user.is_authenticated and user.is_student and user.pk == self.user_id)

    def has_guardian(self, user) -> bool:
        """Whether the person is a guardian linked to the student (one query)."""
        if not (user.is_authenticated and user.is_guardian and user.is_active):
            return False
        return self.guardian_links.filter(guardian_id=user.pk).exists()

    def is_led_by(self, user) -> bool:
        """Whether a person runs this student's learning and internships (``led_by``): an
        admin of the student's school at no cost, their advisor now in one query."""
        if access.is_network_admin(user):
            return True
        if not user.is_authenticated or user.school_id != self.school_id:
            return False
        roles = access.roles_of(user)
        if access.ADMIN in roles:
            return True
        if access.ADVISOR not in roles:
            return False
        return bool(_advises(user.pk, self.pk))

    def is_visible_to(self, user) -> bool:
        """Whether a person may see this student (``visible_to``): an admin of the student's
        school and the student themself at no cost, an advisor or a family in one small read
        (two for an advisor who is also a guardian and not this student's advisor)."""
        if access.is_network_admin(user):
            return True
        if not user.is_authenticated or user.school_id != self.school_id:
            return False
        roles = access.roles_of(user)
        if access.ADMIN in roles or (access.STUDENT in roles and self.user_id == user.pk):
            return True
        if access.ADVISOR in roles and self.is_led_by(user):
            return True
        return access.GUARDIAN in roles and bool(_guardian_of(user.pk, self.pk))

    def is_editable_by(self, user) -> bool:
        """Whether a person may edit this profile (``editable_by``): the student themself at
        no cost, and whoever runs their learning (``is_led_by``)."""
        if self.is_self(user) and user.school_id == self.school_id:
            return True
        return self.is_led_by(user)

    def clean(self) -> None:
        super().clean()
        if self.user_id and self.school_id and self.user.school_id != self.school_id:
            raise ValidationError(_("The student's account belongs to another school."))


class GuardianLinkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Links of the students a person may see."""
        return self.filter(student__in=Student.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        """Links a person may add, change or remove: admins, within their school."""
        if access.is_network_admin(user):
            return self.all()
        if not access.has_role(user, access.ADMIN):
            return self.none()
        return self.filter(student__school_id=user.school_id)


class GuardianLink(models.Model):
    """A parent or guardian of a student; many guardians per student and the other way."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        STEPPARENT = "stepparent", _("Stepparent")
        GRANDPARENT = "grandparent", _("Grandparent")
        AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
        SIBLING = "sibling", _("Sibling")
        FOSTER = "foster", _("Foster parent")
        GUARDIAN = "guardian", _("Legal guardian")
        OTHER = "other", _("Other")

    student = models.ForeignKey(
        Student,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="guardian_links",
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guardian"),
        on_delete=models.CASCADE,
        related_name="guardian_links",
    )
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=Relationship.choices, default=Relationship.PARENT
    )
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)
    lives_with_student = models.BooleanField(_("lives with the student"), default=True)
    receives_reminders = models.BooleanField(_("receives reminders"), default=True)
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    objects = GuardianLinkQuerySet.as_manager()

    class Meta:
        ordering = ["student_id", "-is_primary_contact", "guardian__last_name"]
        verbose_name = _("guardian link")
        verbose_name_plural = _("guardian links")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "guardian"],
                name="guardian_link_unique",
                violation_error_message=_("This guardian is already linked to this student."),
            ),
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(is_primary_contact=True),
                name="guardian_link_one_primary_contact",
                violation_error_message=_("This student already has a primary contact."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(guardian)s (%(relationship)s) of %(student)s") % {
            "guardian": self.guardian,
            "relationship": self.relationship_label,
            "student": self.student,
        }

    @property
    def relationship_label(self) -> str:
        """The relationship in the reader's language (cheaper than get_..._display in lists)."""
        return str(self.Relationship(self.relationship).label)

    @property
    def preferred_language(self) -> str:
        return self.guardian.language

    def clean(self) -> None:
        super().clean()
        if self.student_id and self.guardian_id:
            if self.guardian.school_id != self.student.school_id:
                raise ValidationError(
                    _("The guardian and the student belong to different schools.")
                )
            if self.guardian_id == self.student.user_id:
                raise ValidationError(_("A student cannot be their own guardian."))


def people_visible_to(user):
    """People a person may see: themself, plus whom their roles reach in their school (an
    admin everyone; others the students they see, and an advisor those students' guardians).
    """
    people = User.objects.all()
    if access.is_network_admin(user):
        return people
    if not user.is_authenticated or user.school_id is None:
        return people.none()
    if access.has_role(user, access.ADMIN):
        return people.filter(school_id=user.school_id)
    students = Student.objects.visible_to(user).values("pk")
    reach = Q(pk=user.pk) | Q(student_profile__in=students)
    if access.has_role(user, access.ADVISOR):
        guardians = GuardianLink.objects.filter(student__in=students).values("guardian_id")
        reach |= Q(pk__in=guardians)
    return people.filter(reach, school_id=user.school_id)
