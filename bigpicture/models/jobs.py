"""Work done in the background for a person (a roster import, a batch of portfolios): who
asked, how far it has got, what came of it, and the file it reads or makes."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bigpicture import storage
from bigpicture.models.core import School


def job_storage():
    """Jobs' files are private: no public URL, served only after the access check. The
    private store is looked up lazily (``bigpicture.storage``), on disk or in a bucket."""
    return storage.private_storage


def job_path(instance, filename: str) -> str:
    """The name the person gave is kept only as a label (``file_name``)."""
    return f"jobs/{instance.kind}/{uuid.uuid4().hex}"


class Job(models.Model):
    class Kind(models.TextChoices):
        ROSTER_CHECK = "roster_check", _("roster check")
        ROSTER_IMPORT = "roster_import", _("roster import")
        PORTFOLIOS = "portfolios", _("portfolios")

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="jobs",
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # progress: ``done`` of ``total`` steps (rows, students...)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # what the job was asked to do (an advisory, a year level, a format...) and what came of it
    # (counts per kind, row errors); both small and JSON-safe
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("what went wrong"), max_length=500, blank=True)
    # the file read (an uploaded roster) or made (a zip of portfolios)
    file = models.FileField(_("file"), upload_to=job_path, storage=job_storage, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "kind", "-created_at"], name="job_school_kind")]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
