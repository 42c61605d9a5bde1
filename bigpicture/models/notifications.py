"""The notification outbox, each school's reminder settings and each person's preferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import access


class Delivery(models.TextChoices):
    AT_ONCE = "now", _("By email at once")
    DAILY = "daily", _("In one daily email")
    OFF = "off", _("Only here, no email")


class ReminderSetting(models.Model):
    """A school's choice for one reminder rule: on or off, and its number of days."""

    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="reminder_settings",
    )
    rule = models.CharField(_("reminder"), max_length=64)
    enabled = models.BooleanField(_("on"), default=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.UniqueConstraint(fields=["school", "rule"], name="reminder_setting_unique"),
            models.CheckConstraint(
                condition=Q(days__isnull=True) | Q(days__lte=365),
                name="reminder_setting_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} ({self.school})"


class NotificationPreference(models.Model):
    """How one person wants to hear about one kind of message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind of message"), max_length=32)
    delivery = models.CharField(
        _("how"), max_length=8, choices=Delivery.choices, default=Delivery.AT_ONCE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.delivery}"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own notifications; an admin also sees their school's outbox."""
        if access.is_network_admin(user):
            return self.all()
        if not user.is_authenticated:
            return self.none()
        if access.has_role(user, access.ADMIN) and user.school_id:
            return self.filter(Q(recipient_id=user.pk) | Q(school_id=user.school_id))
        return self.filter(recipient_id=user.pk)

    def addressed_to(self, user):
        return self.filter(recipient_id=user.pk)

    def due(self, now=None):
        """Pending messages whose time has come (quiet hours and back-off are over)."""
        return self.filter(
            status=Notification.Status.PENDING, send_after__lte=now or timezone.now()
        )


class Notification(models.Model):
    """One message to one person, written once: the outbox row behind every reminder.

    ``key`` is unique per (rule, subject, recipient, occasion), so a rerun of a scan, a
    retried task or a second event for the same occasion never writes a second message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DIGEST = "digest", _("Waiting for the daily email")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not emailed")

    key = models.CharField(max_length=255, unique=True)
    school = models.ForeignKey(
        "bigpicture.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    rule = models.CharField(_("reminder"), max_length=64)
    kind = models.CharField(_("kind"), max_length=32)
    subject = models.CharField(_("about"), max_length=200, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    send_after = models.DateTimeField(_("not before"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)  # last handed to the broker
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["status", "send_after"], name="notification_due"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["school", "status"], name="notification_school_status"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
