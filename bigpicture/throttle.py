"""Who is asking, and how often: the client's address behind reverse proxies, the sign-in
lockout per address (django-axes) and the limits on requests that send email
(django-ratelimit)."""

import ipaddress
from functools import wraps

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit


def client_ip(request) -> str:
    """The address a request came from.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appending the address it heard from
    to ``X-Forwarded-For``, the client is the entry the farthest of them wrote: entries left
    of it came from the client itself and prove nothing. With no proxy configured, or a header
    too short to have passed them all, or not an address, the peer (``REMOTE_ADDR``).
    """
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < count:
        return peer
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return peer


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' lockout of an account at an address (``AXES_FAILURE_LIMIT``), and of an
    address alone after ``AXES_ADDRESS_FAILURE_LIMIT`` failures at any accounts within the
    cool-off time: one address guessing a common password at many accounts is paused too.

    The address limit is higher, because a whole school often shares one public address. A
    successful sign-in clears only that account's failures at that address, as before.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def address_failures(self, request) -> int:
        """Failed sign-ins from the request's address within the cool-off time."""
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def forget_failures(request, user) -> None:
    """A sign-in is complete (password, and the code where one is asked): clear the person's
    failed attempts from this address. Not on the password alone, or wrong codes could be
    wiped by signing in again with a stolen password."""
    AxesProxyHandler.reset_attempts(ip_address=client_ip(request), username=user.get_username())


def too_many_requests(request):
    """The 429 page: what happened and when to try again."""
    return render(request, "429.html", status=429)


def limit_posts(group: str, rate_setting: str):
    """Let one client address send a view at most the rate in ``settings.<rate_setting>``
    (e.g. ``"20/h"``) of POSTs; past it, the 429 page. Counted by django-ratelimit in the
    cache, by ``client_ip``."""

    def rate(_group, _request):
        return getattr(settings, rate_setting)

    def decorate(view):
        @ratelimit(group=group, key="ip", rate=rate, method="POST", block=False)
        @wraps(view)
        def limited(request, *args, **kwargs):
            if getattr(request, "limited", False):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return limited

    return decorate
