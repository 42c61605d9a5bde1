"""Hold a signed-in person who must use a second factor on its pages until they have."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

from bigpicture.twofactor.selectors import step_needed

# Pages anyone signed in may open unverified, besides the public ones and the second
# factor's own: signing out.
ALWAYS_OPEN = frozenset({"logout"})
STEP_PAGES = {"enrol": "twofactor:setup", "verify": "twofactor:verify"}


def home_url() -> str:
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def is_open(request, view_func) -> bool:
    view_class = getattr(view_func, "view_class", None)
    return (
        not getattr(view_func, "login_required", True)  # public: open to anybody anyway
        or getattr(view_class, "second_factor_exempt", False)
        or getattr(request.resolver_match, "view_name", None) in ALWAYS_OPEN
    )


class SecondFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: a signed-in person whose session no second factor
    verified, and who must use one (their school requires it for their role, or they have
    one), goes to enrolment (no device yet) or to the code page, and nowhere else.

    Static files never reach it (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or is_open(request, view_func) or user.is_verified():
            return None
        step = step_needed(user, request.session)
        if step is None:
            return None
        target = request.get_full_path() if request.method == "GET" else home_url()
        return redirect(f"{reverse(STEP_PAGES[step])}?{urlencode({'next': target})}")
