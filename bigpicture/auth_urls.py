"""Sign in, sign out and password set-up by email (Django's views, our forms)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path
from django.utils import translation

from bigpicture.forms import EmailAuthenticationForm, PasswordSetupForm
from bigpicture.throttle import limit_posts

SIGN_IN_CACHE_SECONDS = 60
# Stands in for the CSRF token in the stored page; never a token (those are alphanumeric).
CSRF_STAND_IN = "csrf-token-stand-in"


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm

    def get(self, request, *args, **kwargs):
        """The bare sign-in page (nobody signed in, no address to go back to, no message
        waiting) is the same for every visitor in a language but for the CSRF token. So it is
        kept rendered for a minute with a stand-in, and each visitor gets their own token in
        its place. Someone signed in sees their own menu on it: never stored."""
        if request.user.is_authenticated or request.GET or len(get_messages(request)):
            return super().get(request, *args, **kwargs)
        key = f"bigpicture:sign-in:{translation.get_language()}"
        page = cache.get(key)
        if page is None:
            context = self.get_context_data(csrf_token=CSRF_STAND_IN)
            page = self.render_to_response(context).render().content.decode()
            cache.set(key, page, SIGN_IN_CACHE_SECONDS)
        return HttpResponse(page.replace(CSRF_STAND_IN, get_token(request)))


_login = SignInView.as_view()


@login_not_required
@transaction.non_atomic_requests
def login(request, *args, **kwargs):
    """The sign-in page. Showing the form reads nothing, so it opens no transaction (the
    most requested page of all without a session); signing in runs in one, as every other
    request that writes does."""
    if request.method == "GET":
        return _login(request, *args, **kwargs)
    with transaction.atomic():
        return _login(request, *args, **kwargs)


urlpatterns = [
    path(
        "login/",
        login,
        name="login",
    ),
    path(
        "password_reset/",
        limit_posts("password-reset", "PASSWORD_RESET_RATE")(
            auth_views.PasswordResetView.as_view(form_class=PasswordSetupForm)
        ),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
