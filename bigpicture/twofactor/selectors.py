"""Reads for the second factor: who must use one, who has one, what an admin sees."""

from django.conf import settings
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from bigpicture import access
from bigpicture.models import SecondFactorReset

# Set at sign-in for a person who has a second factor: they verify even where not required.
HAS_DEVICE_SESSION_KEY = "twofactor:has-device"


def second_factor_required(user) -> bool:
    """Whether a person must confirm their sign-ins with a code: their school's setting for
    its admins and advisors; the deployment's for network admins."""
    if not user.is_authenticated:
        return False
    if access.is_network_admin(user) and settings.SECOND_FACTOR_FOR_NETWORK_ADMINS:
        return True
    if user.school_id is None:
        return False
    return user.school.second_factor_required_for(access.roles_of(user))


def may_enrol(user) -> bool:
    """Staff (admins, advisors) and back-office operators may set up a second factor."""
    return bool(access.has_role(user, *access.STAFF) or user.is_staff)


def has_second_factor(user) -> bool:
    """Whether a person has a confirmed authenticator or recovery codes."""
    return user_has_device(user, confirmed=True)


def codes_slowed_down(user) -> bool:
    """Whether a person's devices refuse codes for now: django-otp waits 1, 2, 4... seconds
    after each wrong code before it checks the next one."""
    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user))


def step_needed(user, session) -> str | None:
    """What a signed-in, unverified person must do before anything else: enrol, verify, or
    nothing (``None``). Reads the devices only when the person may have one."""
    required = second_factor_required(user)
    if not required and not session.get(HAS_DEVICE_SESSION_KEY):
        return None
    if has_second_factor(user):
        return "verify"
    session.pop(HAS_DEVICE_SESSION_KEY, None)
    return "enrol" if required else None


def recovery_codes_left(user) -> int:
    """How many unused recovery codes a person has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_status(person, viewer) -> dict:
    """For the person's edit page: whether they have a second factor, and the last resets."""
    resets = (
        SecondFactorReset.objects.visible_to(viewer).filter(person=person).select_related("by")[:5]
    )
    return {
        "concerns": may_enrol(person),
        "has_second_factor": has_second_factor(person),
        "required": second_factor_required(person),
        "resets": list(resets),
    }
