"""Advisory pages: the list, one advisory's roster and history, and the admin's forms."""

from django.http import Http404
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from advisories import selectors, services
from advisories.forms import AdvisoryForm
from advisories.models import Advisory
from bigpicture.access import ADMIN, STAFF, RoleRequiredMixin
from bigpicture.mixins import ListPageMixin, ServiceFormMixin
from bigpicture.selectors import current_year


class AdvisoryListView(RoleRequiredMixin, ListPageMixin, ListView):
    allowed_roles = STAFF
    template_name = "advisories/advisory_list.html"
    context_object_name = "advisories"
    paginate_by = 50

    def graduating_class(self) -> int | None:
        value = self.request.GET.get("class", "")
        return int(value) if value.isascii() and value.isdigit() else None

    def get_queryset(self):
        return selectors.advisory_list(self.request.user, graduating_class=self.graduating_class())

    def count_cache_key(self):
        return self.school_count_key("advisories", self.graduating_class() or "all")

    def decorate(self, context):
        year = current_year(self.request.user.school)
        context["advisories"] = selectors.advisory_list_rows(context["advisories"], year)
        return context

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            graduating_class=self.graduating_class(),
            year=current_year(self.request.user.school),
            **kwargs,
        )


class AdvisoryDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = STAFF
    template_name = "advisories/advisory_detail.html"
    context_object_name = "advisory"

    def get_object(self, queryset=None):
        # Read as shown, within ``visible_to``'s reach: a 404 outside it.
        user = self.request.user
        advisory = selectors.advisory_in_reach(user, self.kwargs["pk"])
        if advisory is None:
            raise Http404
        if advisory.school_id == user.school_id:
            advisory.school = user.school  # read with the person
        return advisory

    def get_context_data(self, **kwargs):
        advisory = self.object
        return super().get_context_data(
            roster=SimpleLazyObject(lambda: selectors.roster(advisory)),
            past_members=SimpleLazyObject(lambda: selectors.past_members(advisory)),
            can_edit=advisory.is_editable_by(self.request.user),
            **kwargs,
        )


class AdvisoryCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = {ADMIN}
    requires_own_school = True
    form_class = AdvisoryForm
    template_name = "advisories/advisory_form.html"
    success_message = _("The advisory is created.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Advisory(school=self.request.user.school)
        return kwargs

    def perform(self, form):
        return services.advisory_create(
            school=self.request.user.school, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class AdvisoryUpdateView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = {ADMIN}
    form_class = AdvisoryForm
    template_name = "advisories/advisory_form.html"
    context_object_name = "advisory"
    success_message = _("The advisory is saved.")

    def get_queryset(self):
        return Advisory.objects.editable_by(self.request.user).select_related("school")

    def perform(self, form):
        return services.advisory_update(
            advisory=self.object, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("advisories:advisory-detail", kwargs={"pk": self.object.pk})
