"""What is new to a person since their last visit: the time of their previous sign-in,
kept in the session at sign-in (the account's ``last_login`` then moves to this one)."""

from datetime import datetime, timedelta

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from django.utils.dateparse import parse_datetime

PREVIOUS_LOGIN_SESSION_KEY = "bigpicture:previous-login"
# On a first sign-in (or a session from before this was kept), "new" is the last month.
FIRST_VISIT_LOOKBACK = timedelta(days=30)


def note_previous_login(sender, request, user, **kwargs) -> None:
    """Keep the previous sign-in's time in the new session, before it is overwritten."""
    if request is None or not hasattr(request, "session"):
        return
    previous = user.last_login
    request.session[PREVIOUS_LOGIN_SESSION_KEY] = previous.isoformat() if previous else ""


def last_visit(request) -> datetime:
    """When the person last visited: their previous sign-in, else a month ago."""
    stored = request.session.get(PREVIOUS_LOGIN_SESSION_KEY) if hasattr(request, "session") else ""
    moment = parse_datetime(stored) if stored else None
    return moment or timezone.now() - FIRST_VISIT_LOOKBACK


# Django's own receiver writes the new sign-in time: ours must run before it, whichever of
# the two is connected first.
user_logged_in.connect(note_previous_login, dispatch_uid="bigpicture-previous-login")
if user_logged_in.disconnect(dispatch_uid="update_last_login"):
    user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
