"""Set up a second factor, see the recovery codes once, verify a sign-in, reset a lost one."""

import base64
from urllib.parse import urlencode

import django_otp
import qrcode
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

from bigpicture.access import ADMIN, ALL_ROLES, STAFF, RoleRequiredMixin
from bigpicture.mixins import ServiceFormMixin
from bigpicture.models import User
from bigpicture.throttle import forget_failures
from bigpicture.twofactor import selectors, services
from bigpicture.twofactor.forms import EnrolForm, VerifyForm

PENDING_SESSION_KEY = "twofactor:pending-enrolment"
CODES_SESSION_KEY = "twofactor:recovery-codes"


def qr_data_uri(text: str) -> str:
    """The text as a QR code: an SVG made here (nothing leaves the server), as a data: URI
    for an ``<img>`` (the content policy allows ``img-src data:``; never inline markup)."""
    svg = qrcode.make(text, image_factory=SvgPathFillImage, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def grouped(secret_hex: str) -> str:
    """The secret as authenticator apps take it when typed: base32, in groups of four."""
    text = base64.b32encode(bytes.fromhex(secret_hex)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class SecondFactorStepMixin:
    """The pages a person may open before their session is verified (see the middleware);
    each carries the address to go on to afterwards."""

    second_factor_exempt = True

    def next_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return reverse(settings.LOGIN_REDIRECT_URL)

    def with_next(self, name: str) -> str:
        return f"{reverse(name)}?{urlencode({'next': self.next_url()})}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url(), **kwargs)


class EnrolView(RoleRequiredMixin, SecondFactorStepMixin, ServiceFormMixin, FormView):
    """Scan a QR code (or type the secret) into an authenticator app, confirm with a code."""

    allowed_roles = STAFF
    form_class = EnrolForm
    template_name = "registration/second_factor_setup.html"

    def get(self, request, *args, **kwargs):
        if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            messages.info(request, _("You already use an authenticator app."))
            return redirect(self.next_url())
        return super().get(request, *args, **kwargs)

    def secret(self) -> str:
        session = self.request.session
        if PENDING_SESSION_KEY not in session:
            session[PENDING_SESSION_KEY] = services.new_secret()
        return session[PENDING_SESSION_KEY]

    def get_context_data(self, **kwargs):
        secret = self.secret()
        setup_url = TOTPDevice(user=self.request.user, key=secret).config_url
        return super().get_context_data(
            qr_code=qr_data_uri(setup_url),
            secret=grouped(secret),
            required=selectors.second_factor_required(self.request.user),
            **kwargs,
        )

    def perform(self, form):
        device, codes = services.totp_enrol(
            user=self.request.user, secret=self.secret(), code=form.cleaned_data["code"]
        )
        session = self.request.session
        del session[PENDING_SESSION_KEY]
        django_otp.login(self.request, device)
        session.cycle_key()
        session[selectors.HAS_DEVICE_SESSION_KEY] = True
        session[CODES_SESSION_KEY] = codes
        forget_failures(self.request, self.request.user)
        return device

    def get_success_url(self):
        return self.with_next("twofactor:recovery-codes")


class RecoveryCodesView(RoleRequiredMixin, SecondFactorStepMixin, TemplateView):
    """The recovery codes, shown once after they are made; a verified person makes new ones."""

    allowed_roles = STAFF
    template_name = "registration/second_factor_recovery_codes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            codes=self.request.session.pop(CODES_SESSION_KEY, None),
            codes_left=selectors.recovery_codes_left(self.request.user),
            verified=self.request.user.is_verified(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.is_verified():
            return redirect(self.with_next("twofactor:verify"))
        request.session[CODES_SESSION_KEY] = services.recovery_codes_renew(user=request.user)
        messages.success(
            request, _("Your new recovery codes are made; the old ones no longer work.")
        )
        return redirect(self.with_next("twofactor:recovery-codes"))


class VerifyView(RoleRequiredMixin, SecondFactorStepMixin, FormView):
    """The sign-in's second step: a code from the authenticator app, or a recovery code.

    Wrong codes count as failed sign-ins (django-axes): enough of them lock the account
    from this address, as wrong passwords do, and sign the session out.
    """

    allowed_roles = ALL_ROLES
    form_class = VerifyForm
    template_name = "registration/second_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.is_verified():
            return redirect(self.next_url())
        if user.is_authenticated and not selectors.has_second_factor(user):
            if selectors.may_enrol(user):
                return redirect(self.with_next("twofactor:setup"))
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request, user = self.request, self.request.user
        credentials = {"username": user.email}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return self.locked_out(credentials)
        slowed_down = selectors.codes_slowed_down(user)
        device = services.code_check(user=user, code=form.cleaned_data["code"])
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return self.locked_out(credentials)
            if slowed_down:
                form.add_error(
                    "code", _("Too many wrong codes in a row: wait a moment, then try again.")
                )
            else:
                form.add_error("code", _("This code is not right. Check it and try again."))
            return self.form_invalid(form)
        django_otp.login(request, device)
        request.session.cycle_key()
        forget_failures(request, user)
        return redirect(self.next_url())

    def locked_out(self, credentials) -> HttpResponse:
        """Sign out; django-axes' middleware answers with its locked-out page."""
        logout(self.request)
        self.request.axes_locked_out = True
        self.request.axes_credentials = credentials
        return HttpResponse(status=403)


class SecondFactorResetView(RoleRequiredMixin, View):
    """An admin removes a person's second factor (a lost phone); recorded."""

    allowed_roles = {ADMIN}
    http_method_names = ["post"]

    def post(self, request, pk):
        person = get_object_or_404(User.objects.editable_by(request.user), pk=pk)
        services.second_factor_reset(person=person, by=request.user)
        messages.success(
            request, _("The second factor is reset: they set up a new one at their next sign-in.")
        )
        return redirect(person.get_absolute_url())
