"""Sign in, sign out and password set-up by email (Django's views, our forms)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.urls import include, path

from bigpicture.forms import EmailAuthenticationForm, PasswordSetupForm
from bigpicture.throttle import limit_posts


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm


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
