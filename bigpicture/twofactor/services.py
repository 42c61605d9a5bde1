"""Writes for the second factor: enrol, check a code, new recovery codes, an admin's reset."""

import time
from binascii import unhexlify

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from bigpicture.access import require_admin_of
from bigpicture.models import SecondFactorReset, User
from bigpicture.twofactor.selectors import may_enrol

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
TOTP_DIGITS = 6
# Codes one step (30 s) early or late still count: phones' clocks drift.
TOTP_TOLERANCE = 1


def new_secret() -> str:
    """A fresh random TOTP secret (hex), held in the session until the person confirms it."""
    return default_key()


def normalize_code(code: str) -> str:
    """A typed code as stored: no spaces or dashes, lower case (recovery codes are base32)."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def totp_enrol(*, user: User, secret: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Keep an authenticator once a code from it matches the secret shown to the person, and
    give them a fresh set of recovery codes; return the device and the codes."""
    if not may_enrol(user):
        raise PermissionDenied
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("You already use an authenticator app."))
    code = normalize_code(code)
    totp = TOTP(unhexlify(secret), digits=TOTP_DIGITS)
    totp.time = time.time()
    if not (code.isdigit() and totp.verify(int(code), tolerance=TOTP_TOLERANCE)):
        raise ValidationError({"code": _("This code does not match. Try the newest one.")})
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(
        user=user,
        name=DEVICE_NAME,
        key=secret,
        digits=TOTP_DIGITS,
        tolerance=TOTP_TOLERANCE,
        drift=totp.drift,
        last_t=totp.t(),  # the code just used cannot sign anyone in again
        confirmed=True,
    )
    device.full_clean()
    device.save()
    return device, recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace a person's recovery codes with ten new single-use ones; return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def code_check(*, user: User, code: str) -> Device | None:
    """The person's device that accepts this code (six digits from the authenticator, or a
    recovery code, used up by this), or ``None``.

    Devices are locked while checked, so one code never verifies two requests; each device
    slows down after wrong codes (django-otp's throttling), whatever django-axes counts.
    """
    code = normalize_code(code)
    if not code:
        return None
    kind = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    devices = kind.objects.devices_for_user(user, confirmed=True).select_for_update()
    for device in devices:
        if device.verify_token(code):
            return device
    return None


@transaction.atomic
def second_factor_reset(*, person: User, by: User) -> SecondFactorReset:
    """An admin of the person's school removes their authenticator and recovery codes (a lost
    phone); the person sets up a new one at their next sign-in. Recorded."""
    if person.school_id is None:
        raise PermissionDenied
    require_admin_of(by, person.school_id)
    if not User.objects.editable_by(by).filter(pk=person.pk).exists():
        raise PermissionDenied
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    reset = SecondFactorReset(school_id=person.school_id, person=person, by=by)
    reset.full_clean()
    reset.save()
    return reset
