"""Learning plan meetings of a student's learning team, and each invitee's answer."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bigpicture.links import link
from students.models.profile import Student


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings of students a person may see, and those a mentor of the student is
        invited to."""
        if not user.is_authenticated:
            return self.none()
        # Rights end with the role that gave them. The advisor reads through leading the
        # student now (a former advisor's invitation opens nothing); a mentor's invitation
        # opens the meeting only while they mentor the student; a family's reach follows the
        # live guardian link.
        invites = MeetingInvite.objects.filter(
            person_id=user.pk,
            role=MeetingInvite.Role.MENTOR,
            meeting__student__in=Student.objects.mentored_by(user).values("pk"),
        )
        invited = Q(pk__in=invites.values("meeting_id"))
        return self.filter(Q(student__in=Student.objects.visible_to(user).values("pk")) | invited)

    def editable_by(self, user):
        """Meetings a person may change: the student's advisor and the school's admins."""
        return self.filter(student__in=Student.objects.led_by(user).values("pk"))


class PlanMeeting(models.Model):
    """The term's learning plan meeting: student, chosen guardians, advisor and mentor."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    term = models.ForeignKey(
        "bigpicture.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advisor"),
        on_delete=models.PROTECT,
        related_name="meetings_led",
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration = models.PositiveSmallIntegerField(_("length in minutes"), default=45)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    # iCalendar SEQUENCE: bumped on every change the team hears of, so calendars replace
    # the event they hold instead of adding a second one.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("learning plan meeting")
        verbose_name_plural = _("learning plan meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "term"],
                condition=~Q(status="cancelled"),
                name="meeting_one_per_student_term",
                violation_error_message=_("This student already has a meeting this term."),
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=5) & Q(duration__lte=480),
                name="meeting_duration_sane",
                violation_error_message=_("A meeting lasts between 5 minutes and 8 hours."),
            ),
        ]
        indexes = [models.Index(fields=["advisor", "starts_at"])]

    def __str__(self) -> str:
        return _("Learning plan meeting of %(student)s") % {"student": self.student}

    def get_absolute_url(self) -> str:
        return link("students:meeting-detail", self.pk)

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration)

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)


class MeetingInvite(models.Model):
    """One member of the learning team invited to a meeting, and their answer."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        GUARDIAN = "guardian", _("Guardian")
        MENTOR = "mentor", _("Mentor")
        ADVISOR = "advisor", _("Advisor")

    class Response(models.TextChoices):
        PENDING = "pending", _("Not answered yet")
        ACCEPTED = "accepted", _("Coming")
        DECLINED = "declined", _("Not coming")

    meeting = models.ForeignKey(
        PlanMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invites"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_invites",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "role", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="meeting_invite_unique",
                violation_error_message=_("This person is already invited."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.meeting}"

    @property
    def role_label(self) -> str:
        return str(self.Role(self.role).label)

    @property
    def response_label(self) -> str:
        return str(self.Response(self.response).label)


class CalendarFeedQuerySet(models.QuerySet):
    def opened_by(self, token: str):
        """The feed a secret token opens (its owner still active): none for anything else."""
        return self.filter(token_hash=CalendarFeed.hash(token), person__is_active=True)


class CalendarFeed(models.Model):
    """A person's private iCalendar feed of their meetings and exhibitions, by secret token.

    Only a hash of the token is stored: the address is shown once, when it is made, and a
    copy of the database opens no one's calendar. The token is 32 random bytes, so a plain
    SHA-256 needs no salt or slow hashing.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
