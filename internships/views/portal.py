"""The mentors' portal: signing in with a one-time link sent by email (mentors keep no
password), the internships a mentor mentors, and the conversation with the advisor.

A sign-in link opens a confirmation page first and signs in only when its button is pressed,
so a mail scanner that fetches links does not use it up. A link that is used or expired
answers 410 (Gone), one that never existed (or whose person may no longer use it) 404; both
pages say so and offer a new link.
"""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, TemplateView, View

from bigpicture.access import MENTOR, STAFF_AND_MENTORS, RoleRequiredMixin
from bigpicture.mixins import ServiceFormMixin
from bigpicture.throttle import limit_posts
from internships.forms.portal import MessageForm, SignInLinkForm
from internships.models import link_minutes
from internships.selectors import portal as selectors
from internships.services import portal as services

SIGN_IN_BACKEND = "bigpicture.backends.EmailBackend"
REFUSED_STATUS = {"unknown": 404, "used": 410, "expired": 410}


# --- signing in --------------------------------------------------------------------------------


@method_decorator(
    [login_not_required, limit_posts("mentor-sign-in-link", "PASSWORD_RESET_RATE")],
    name="dispatch",
)
class PortalSignInView(FormView):
    """Ask for a link by email; the answer is the same whoever the address belongs to."""

    form_class = SignInLinkForm
    template_name = "internships/portal/sign_in.html"

    def form_valid(self, form):
        services.sign_in_request(email=form.cleaned_data["email"])
        return render(self.request, "internships/portal/sign_in_sent.html")


@method_decorator([login_not_required, never_cache], name="dispatch")
class PortalLinkView(View):
    """A sign-in link: GET shows a button, POST signs the mentor in and uses the link up."""

    def refused(self, reason: str):
        return render(
            self.request,
            "internships/portal/link_refused.html",
            {"reason": reason, "minutes": link_minutes()},
            status=REFUSED_STATUS[reason],
        )

    def get(self, request, token):
        state, _link = services.link_state(token)
        if state != "valid":
            return self.refused(state)
        return render(request, "internships/portal/link_confirm.html")

    def post(self, request, token):
        try:
            user = services.sign_in_link_redeem(token=token)
        except services.LinkRefused as refusal:
            return self.refused(refusal.reason)
        login(request, user, backend=SIGN_IN_BACKEND)
        # The same home as after signing in with a password, whichever way a mentor comes.
        return redirect(settings.LOGIN_REDIRECT_URL)


# --- the mentor's internships ------------------------------------------------------------------


class MentorInternshipsView(RoleRequiredMixin, ListView):
    allowed_roles = {MENTOR}
    template_name = "internships/portal/mentor_internships.html"
    context_object_name = "placements"

    def get_queryset(self):
        return selectors.mentor_placements(self.request.user)


class PlacementMixin:
    """Views about one internship's conversation: its mentor, the advisor, the admins.

    Put after ``RoleRequiredMixin``: the role is checked first, then the internship.
    """

    def dispatch(self, request, *args, **kwargs):
        # Before the method: an internship out of reach is a 404 whatever the method.
        self.placement = get_object_or_404(
            selectors.placements_reached_by(request.user).select_related(
                "student__user", "student__school", "site", "mentor__user"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            placement=self.placement,
            is_mentor=self.placement.mentor.user_id == self.request.user.pk,
            **selectors.placement_thread(self.placement),
            **kwargs,
        )


class PlacementMessagesView(RoleRequiredMixin, PlacementMixin, TemplateView):
    allowed_roles = STAFF_AND_MENTORS
    template_name = "internships/portal/placement_messages.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=MessageForm(), **kwargs)


class PlacementMessageView(RoleRequiredMixin, PlacementMixin, ServiceFormMixin, FormView):
    """Post a message (POST only); a refused one comes back on the conversation page."""

    allowed_roles = STAFF_AND_MENTORS
    http_method_names = ["post"]
    form_class = MessageForm
    template_name = "internships/portal/placement_messages.html"
    success_message = _("Your message is sent.")

    def perform(self, form):
        return services.message_send(
            placement=self.placement, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("internships:placement-messages", args=[self.placement.pk])
