"""The record of access: who viewed, changed or exported a student's records, and when.

FERPA asks a school to keep a record of who obtained a student's education records, and lets
parents inspect it. Each row is one person touching one student's records once: a page view, a
change (with the service that made it) or an export. The record is append-only: rows are
written and never changed; they leave only when the school's retention period is over, through
:func:`bigpicture.records.purge`. On PostgreSQL a trigger refuses any other UPDATE or DELETE.

The student and the person are kept as numbers and a name as written at the time (not foreign
keys): removing a person later must neither rewrite nor erase what they did.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import access
from bigpicture.models.core import School


class AccessRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows a person may read: a school's admins read their school's record."""
        if access.is_network_admin(user):
            return self.all()
        if user.is_authenticated and user.school_id and access.has_role(user, access.ADMIN):
            return self.filter(school_id=user.school_id)
        return self.none()

    def update(self, **kwargs):
        raise PermissionDenied("The record of access is append-only.")

    def delete(self):
        raise PermissionDenied("The record of access is append-only.")


class AccessRecord(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")
        EXPORT = "export", _("exported")

    class Area(models.TextChoices):
        PROFILE = "profile", _("profile")
        PLAN = "plan", _("learning plan")
        EVIDENCE = "evidence", _("evidence")
        MEETING = "meeting", _("plan meeting")
        NARRATIVE = "narrative", _("narrative")
        EXHIBITION = "exhibition", _("exhibition")
        INTERNSHIP = "internship", _("internship")
        REFLECTION = "reflection", _("reflection")
        ATTENDANCE = "attendance", _("attendance")
        ENGAGEMENT = "engagement", _("early warning")
        REPORT = "report", _("report")
        RECORD = "record", _("record of access")

    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        # A school with a record of access is not deleted by accident: its record goes first,
        # when its retention period is over.
        on_delete=models.PROTECT,
        related_name="+",
    )
    student_id = models.BigIntegerField(_("student"))
    person_id = models.BigIntegerField(_("person"), null=True, blank=True)
    person_name = models.CharField(_("who"), max_length=300)
    roles = models.CharField(_("as"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    area = models.CharField(_("records"), max_length=12, choices=Area.choices)
    # The page (its URL name) or the service that did it.
    source = models.CharField(_("through"), max_length=120, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("record of access")
        verbose_name_plural = _("records of access")
        indexes = [
            models.Index(fields=["student_id", "at"], name="access_record_student"),
            models.Index(fields=["school", "at"], name="access_record_school"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.action} {self.area} #{self.student_id} {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The record of access is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The record of access is append-only.")
