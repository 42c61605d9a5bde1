"""The school's expectations: its wording of each (English and Spanish, on or off) and each
term's due date for reflections, for the school's admins."""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from bigpicture.access import ADMIN, RoleRequiredMixin
from bigpicture.mixins import ServiceFormMixin
from bigpicture.models import Term
from bigpicture.selectors import current_year
from expectations.forms.catalog import ExpectationForm, TermDueForm
from expectations.models import Expectation
from expectations.selectors.catalog import school_catalog, school_wording, term_due, terms_with_due
from expectations.services.catalog import expectation_reword, reflection_due_set


class SchoolAdminPage(RoleRequiredMixin):
    """A page of the admin's own school (a network admin without one gets a 404)."""

    allowed_roles = {ADMIN}
    requires_own_school = True

    def get_success_url(self):
        return reverse("expectations:expectation-list")


class ExpectationListView(SchoolAdminPage, TemplateView):
    """The ten expectations in the school's words, and the year's reflection due dates."""

    template_name = "expectations/expectation_list.html"

    def get_context_data(self, **kwargs):
        school = self.request.user.school
        return super().get_context_data(
            rows=school_catalog(school.pk),
            year=(year := current_year(school)),
            terms=terms_with_due(year),
            **kwargs,
        )


class ExpectationUpdateView(SchoolAdminPage, ServiceFormMixin, FormView):
    """Reword an expectation for the school, or switch it off."""

    form_class = ExpectationForm
    template_name = "expectations/expectation_form.html"
    success_message = _("The school's wording is saved.")

    def get_expectation(self) -> Expectation:
        if not hasattr(self, "expectation"):
            self.expectation = get_object_or_404(Expectation, pk=self.kwargs["pk"])
        return self.expectation

    def get_form_kwargs(self):
        own = school_wording(self.request.user.school_id, self.get_expectation())
        return {**super().get_form_kwargs(), "instance": own}

    def get_context_data(self, **kwargs):
        return super().get_context_data(expectation=self.get_expectation(), **kwargs)

    def perform(self, form):
        return expectation_reword(
            school=self.request.user.school,
            expectation=self.get_expectation(),
            by=self.request.user,
            **form.cleaned_data,
        )


class TermDueView(SchoolAdminPage, ServiceFormMixin, FormView):
    """Set the last day a term's reflections may be written."""

    form_class = TermDueForm
    template_name = "expectations/term_due_form.html"
    success_message = _("The reflections' due date is saved.")

    def get_term(self) -> Term:
        if not hasattr(self, "term"):
            terms = Term.objects.of_school(self.request.user.school_id)
            self.term = get_object_or_404(terms.select_related("school_year"), pk=self.kwargs["pk"])
        return self.term

    def get_initial(self):
        return {"due_on": term_due(self.get_term())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(term=self.get_term(), **kwargs)

    def perform(self, form):
        return reflection_due_set(term=self.get_term(), by=self.request.user, **form.cleaned_data)


urlpatterns = [
    path("wording/", ExpectationListView.as_view(), name="expectation-list"),
    path("wording/<int:pk>/", ExpectationUpdateView.as_view(), name="expectation-update"),
    path("terms/<int:pk>/due/", TermDueView.as_view(), name="term-due"),
]
