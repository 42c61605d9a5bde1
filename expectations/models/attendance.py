"""Advisory attendance: the advisory meets every morning and its advisor takes the roll.

Everyone is present unless marked: a sheet records that the roll was taken on a day, and a
mark records each student who was absent, late or excused (with a note)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from advisories.models import Advisory
from students.models import Student


class AttendanceSheetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sheets of the advisories a person may open (admins, the advisory's advisor)."""
        return self.filter(advisory__in=Advisory.objects.visible_to(user))


class AttendanceSheet(models.Model):
    """The roll of one advisory on one day."""

    advisory = models.ForeignKey(
        Advisory,
        verbose_name=_("advisory"),
        on_delete=models.CASCADE,
        related_name="attendance_sheets",
    )
    on = models.DateField(_("day"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = AttendanceSheetQuerySet.as_manager()

    class Meta:
        ordering = ["advisory_id", "-on"]
        verbose_name = _("attendance sheet")
        verbose_name_plural = _("attendance sheets")
        constraints = [
            models.UniqueConstraint(fields=["advisory", "on"], name="attendance_one_sheet_a_day")
        ]
        indexes = [models.Index(fields=["on"], name="attendance_sheet_day")]

    def __str__(self) -> str:
        return f"{self.advisory} · {self.on}"


class AttendanceMarkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Marks of the students a person may see."""
        return self.filter(student__in=Student.objects.visible_to(user))


class AttendanceMark(models.Model):
    """A student not simply present at a day's advisory."""

    class Status(models.TextChoices):
        ABSENT = "absent", _("Absent")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")

    sheet = models.ForeignKey(
        AttendanceSheet, verbose_name=_("sheet"), on_delete=models.CASCADE, related_name="marks"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = AttendanceMarkQuerySet.as_manager()

    class Meta:
        ordering = ["sheet_id", "student_id"]
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "student"], name="attendance_one_mark"),
            models.CheckConstraint(
                condition=models.Q(status__in=["absent", "late", "excused"]),
                name="attendance_mark_status_known",
            ),
        ]
        indexes = [models.Index(fields=["student", "status"], name="attendance_student_status")]

    def __str__(self) -> str:
        return f"{self.student}: {self.get_status_display()}"
