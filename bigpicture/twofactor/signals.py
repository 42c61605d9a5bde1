"""At each sign-in, note whether the person has a second factor, so that they verify with
it even where their school does not require one (one read per sign-in, not per request)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from bigpicture.throttle import forget_failures
from bigpicture.twofactor.selectors import (
    HAS_DEVICE_SESSION_KEY,
    has_second_factor,
    second_factor_required,
)


@receiver(user_logged_in, dispatch_uid="twofactor-note-device")
def note_second_factor(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    has_device = request.session[HAS_DEVICE_SESSION_KEY] = has_second_factor(user)
    if not (has_device or second_factor_required(user)):
        forget_failures(request, user)  # no code to come: the sign-in is complete
