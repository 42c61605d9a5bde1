"""The record of second-factor resets: who reset whose device, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture.models.core import School


class SecondFactorResetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Resets in the schools a person administers."""
        return self.filter(school__in=School.objects.administered_by(user))


class SecondFactorReset(models.Model):
    """An admin removed a person's authenticator and recovery codes (a lost phone)."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="second_factor_resets",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reset by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("reset at"), default=timezone.now)

    objects = SecondFactorResetQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("second factor reset")
        verbose_name_plural = _("second factor resets")

    def __str__(self) -> str:
        return f"{self.person} ({self.at:%Y-%m-%d %H:%M})"
