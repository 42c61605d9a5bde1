"""Sign in, sign out and password set-up by email (Django's views, our forms)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.urls import include, path
from django.utils import translation

from bigpicture.forms import EmailAuthenticationForm, PasswordSetupForm
from bigpicture.throttle import limit_posts


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm


_login = SignInView.as_view()


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The page an invitation or a password link opens, in the language the school chose for
    the person (not the browser's): they are not signed in yet, and may read only Spanish.
    The pages that follow (done, sign in) keep it, through the language cookie."""

    language = None

    def get_user(self, uidb64):
        person = super().get_user(uidb64)
        # Only for a link that works: the language of whoever a made-up link names is theirs.
        if person is not None and self._link_works_for(person):
            self.language = person.language
            translation.activate(self.language)
            self.request.LANGUAGE_CODE = self.language
        return person

    def _link_works_for(self, person) -> bool:
        token = self.kwargs["token"]
        if token == self.reset_url_token:
            token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN)
        return self.token_generator.check_token(person, token)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if self.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                self.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


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
    path(
        "reset/<uidb64>/<token>/",
        login_not_required(SetPasswordView.as_view()),
        name="password_reset_confirm",
    ),
    path("", include("django.contrib.auth.urls")),
]
