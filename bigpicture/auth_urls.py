"""Sign in, sign out and password set-up by email (Django's views, our forms)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from bigpicture.forms import EmailAuthenticationForm, PasswordSetupForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(form_class=EmailAuthenticationForm),
        name="login",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordSetupForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
