"""One-time sign-in links for mentors, who keep no password."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import access

# Roles whose accounts may sign in by emailed link. Staff and students keep their password
# (and its lockout), so a mailbox alone never opens an account that reaches the school.
PORTAL_ROLES = frozenset({access.MENTOR, access.GUARDIAN})


def can_use_portal(user) -> bool:
    """Whether a person signs in by emailed link: an active mentor and nothing more."""
    roles = access.roles_of(user)
    return bool(
        user.is_active
        and access.MENTOR in roles
        and roles <= PORTAL_ROLES
        and not (user.is_staff or user.is_superuser)
    )


def link_minutes() -> int:
    """How long a sign-in link works."""
    return int(getattr(settings, "MENTOR_LINK_MINUTES", 30))


class SignInLinkQuerySet(models.QuerySet):
    def issue(self, *, user, now: datetime | None = None) -> tuple[str, "SignInLink"]:
        """Make a single-use link for a person; only the token's hash is stored."""
        now = now or timezone.now()
        token = secrets.token_urlsafe(32)
        link = self.model(
            user=user,
            token_hash=SignInLink.hash(token),
            expires_at=now + timedelta(minutes=link_minutes()),
        )
        link.full_clean()
        link.save()
        return token, link


class SignInLink(models.Model):
    """A single-use, expiring link that signs a mentor in. Only the token's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="sign_in_links",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = SignInLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
