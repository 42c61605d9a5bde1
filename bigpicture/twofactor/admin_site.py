"""The back office asks for a verified second factor, as every other page for staff does."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite


class SecondFactorAdminSite(OTPAdminSite):
    """Only operators whose session a second factor verified may use the back office.

    Its sign-in page is the app's own (which counts failed passwords and codes alike); once
    signed in, an operator whose session is not verified goes to the code page first.
    """

    def __init__(self, name="admin"):
        super().__init__(name)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            # Imported at first use: this module is loaded while the app registry is being
            # filled (the back office's site), before views and forms can be imported.
            from bigpicture.auth_urls import login

            return login(request)
        if self.has_permission(request):
            return redirect(target)
        if user.is_active and user.is_staff and not user.is_verified():
            return redirect_to_login(target, reverse("twofactor:verify"))
        raise PermissionDenied
