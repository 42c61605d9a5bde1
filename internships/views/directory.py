"""Directory pages: sites and mentors (kept by admins, read by advisors, exported to CSV),
opportunities (kept by staff, browsed by everyone in the school) and students' proposals."""

import csv

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, UpdateView, View

from bigpicture.access import ADMIN, ALL_ROLES, STAFF, STUDENT, RoleRequiredMixin
from bigpicture.mixins import QueryStringMixin, ServiceFormMixin
from internships.forms.directory import MentorForm, OpportunityForm, SiteForm, SiteProposeForm
from internships.models import CareerCluster, Mentor, Opportunity, Site
from internships.selectors import directory as selectors
from internships.services import directory as services
from students.models import Student

# A cell a spreadsheet would read as a formula is prefixed with a quote (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell's text, never starting like a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(name: str, user, rows) -> HttpResponse:
    """A CSV download of rows, named after the school and the day."""
    school = user.school
    day = selectors.today_for(user).isoformat()
    filename = f"{name}-{school.slug}-{day}.csv" if school else f"{name}-{day}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


def _filters(request, *names) -> dict:
    return {name: request.GET.get(name, "").strip() for name in names}


# --- sites -------------------------------------------------------------------------------------


class SiteListView(RoleRequiredMixin, QueryStringMixin, ListView):
    allowed_roles = STAFF
    template_name = "internships/directory/site_list.html"
    context_object_name = "sites"
    paginate_by = 50

    def get_queryset(self):
        return selectors.site_list(
            self.request.user, **_filters(self.request, "cluster", "status"), search=self.q
        )

    @property
    def q(self) -> str:
        return self.request.GET.get("q", "").strip()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            q=self.q,
            **_filters(self.request, "cluster", "status"),
            clusters=CareerCluster.choices,
            statuses=Site.Status.choices,
            can_edit=ADMIN in self.request.user.roles,
            **kwargs,
        )


class SiteDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = STAFF
    template_name = "internships/directory/site_detail.html"
    context_object_name = "site"

    def get_queryset(self):
        return Site.objects.visible_to(self.request.user).select_related("proposed_by")

    def get_context_data(self, **kwargs):
        site, user = self.object, self.request.user
        return super().get_context_data(
            **selectors.site_detail(site, selectors.today_for(user)),
            can_edit=Site.objects.editable_by(user).filter(pk=site.pk).exists(),
            **kwargs,
        )


class SiteCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {ADMIN}
    requires_own_school = True
    form_class = SiteForm
    template_name = "internships/directory/site_form.html"
    success_message = _("The site is added.")

    def perform(self, form):
        return services.site_create(
            school=self.request.user.school, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class SiteUpdateView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = {ADMIN}
    form_class = SiteForm
    template_name = "internships/directory/site_form.html"
    context_object_name = "site"
    success_message = _("The site is saved.")

    def get_queryset(self):
        return Site.objects.editable_by(self.request.user)

    def perform(self, form):
        return services.site_update(site=self.object, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class SiteProposeView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {STUDENT}
    form_class = SiteProposeForm
    template_name = "internships/directory/site_propose.html"
    success_message = _("Thank you: the school will look at the site you proposed.")
    success_url = reverse_lazy("internships:opportunity-list")

    def get_student(self) -> Student:
        own = Student.objects.filter(user=self.request.user).select_related("school")
        return get_object_or_404(own)

    def perform(self, form):
        return services.site_propose(
            student=self.get_student(), by=self.request.user, **form.cleaned_data
        )


class SiteExportView(RoleRequiredMixin, View):
    allowed_roles = {ADMIN}

    def get(self, request, *args, **kwargs):
        return csv_response("sites", request.user, selectors.site_rows(request.user))


# --- mentors -----------------------------------------------------------------------------------


class MentorListView(RoleRequiredMixin, QueryStringMixin, ListView):
    allowed_roles = STAFF
    template_name = "internships/directory/mentor_list.html"
    context_object_name = "mentors"
    paginate_by = 50

    def get_queryset(self):
        self.today = selectors.today_for(self.request.user)
        return selectors.mentor_list(
            self.request.user, today=self.today, **self.filters(), search=self.q
        )

    @property
    def q(self) -> str:
        return self.request.GET.get("q", "").strip()

    def filters(self) -> dict:
        return _filters(self.request, "state", "site")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            q=self.q,
            **self.filters(),
            states=selectors.CHECK_STATES.items(),
            can_edit=ADMIN in self.request.user.roles,
            **kwargs,
        )
        context["mentors"] = selectors.with_check_states(context["mentors"], self.today)
        return context


class MentorDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = STAFF
    template_name = "internships/directory/mentor_detail.html"
    context_object_name = "mentor"

    def get_queryset(self):
        return Mentor.objects.visible_to(self.request.user).select_related("user", "site")

    def get_context_data(self, **kwargs):
        mentor, user = self.object, self.request.user
        return super().get_context_data(
            **selectors.mentor_detail(mentor, selectors.today_for(user)),
            can_edit=ADMIN in user.roles,
            **kwargs,
        )


class MentorCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {ADMIN}
    requires_own_school = True
    form_class = MentorForm
    template_name = "internships/directory/mentor_form.html"
    success_message = _("The mentor is added. They sign in with a link sent to their email.")

    def get_form_kwargs(self):
        sites = Site.objects.editable_by(self.request.user)
        sites = sites.filter(school_id=self.request.user.school_id)
        return {**super().get_form_kwargs(), "sites": sites}

    def get_initial(self):
        return {"site": self.request.GET.get("site", "")}

    def perform(self, form):
        return services.mentor_create(
            school=self.request.user.school, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("internships:mentor-detail", args=[self.result.pk])


class MentorUpdateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {ADMIN}
    form_class = MentorForm
    template_name = "internships/directory/mentor_form.html"
    success_message = _("The mentor is saved.")

    def get_mentor(self) -> Mentor:
        if not hasattr(self, "mentor"):
            mentors = Mentor.objects.visible_to(self.request.user).select_related("user", "site")
            self.mentor = get_object_or_404(mentors, pk=self.kwargs["pk"])
        return self.mentor

    def get_form_kwargs(self):
        mentor = self.get_mentor()
        sites = Site.objects.editable_by(self.request.user).filter(school_id=mentor.site.school_id)
        return {**super().get_form_kwargs(), "sites": sites, "mentor": mentor}

    def get_context_data(self, **kwargs):
        return super().get_context_data(mentor=self.get_mentor(), **kwargs)

    def perform(self, form):
        return services.mentor_update(
            mentor=self.get_mentor(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("internships:mentor-detail", args=[self.get_mentor().pk])


class MentorExportView(RoleRequiredMixin, View):
    allowed_roles = {ADMIN}

    def get(self, request, *args, **kwargs):
        today = selectors.today_for(request.user)
        return csv_response("mentors", request.user, selectors.mentor_rows(request.user, today))


# --- opportunities -----------------------------------------------------------------------------


class OpportunityListView(RoleRequiredMixin, QueryStringMixin, ListView):
    allowed_roles = ALL_ROLES
    template_name = "internships/directory/opportunity_list.html"
    context_object_name = "opportunities"
    paginate_by = 30

    def get_queryset(self):
        return selectors.opportunity_list(
            self.request.user, search=self.q, cluster=self.request.GET.get("cluster", "")
        )

    @property
    def q(self) -> str:
        return self.request.GET.get("q", "").strip()

    def get_context_data(self, **kwargs):
        user = self.request.user
        student = getattr(user, "student_profile", None) if user.is_student else None
        return super().get_context_data(
            q=self.q,
            cluster=self.request.GET.get("cluster", ""),
            clusters=CareerCluster.choices,
            student=student,
            suggestions=selectors.suggestions(user, student) if student else [],
            proposed=list(selectors.proposed_by(user)) if student else [],
            can_create=selectors.is_staff(user) and user.school_id is not None,
            **kwargs,
        )


class OpportunityDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = ALL_ROLES
    template_name = "internships/directory/opportunity_detail.html"
    context_object_name = "opportunity"

    def get_queryset(self):
        opportunities = selectors.opportunities_for(self.request.user)
        return opportunities.select_related("site", "mentor__user")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=selectors.is_staff(self.request.user), **kwargs)


class OpportunityFormMixin(RoleRequiredMixin, ServiceFormMixin):
    allowed_roles = STAFF
    form_class = OpportunityForm
    template_name = "internships/directory/opportunity_form.html"

    def school_id(self) -> int:
        return self.request.user.school_id

    def get_form_kwargs(self):
        user, school_id = self.request.user, self.school_id()
        sites = Site.objects.visible_to(user).filter(school_id=school_id)
        mentors = Mentor.objects.visible_to(user).filter(site__school_id=school_id)
        return {
            **super().get_form_kwargs(),
            "sites": sites.order_by("organization"),
            "mentors": mentors.select_related("user", "site").order_by(
                "site__organization", *selectors.MENTOR_ORDER
            ),
        }

    def get_success_url(self):
        return self.result.get_absolute_url()


class OpportunityCreateView(OpportunityFormMixin, FormView):
    requires_own_school = True
    success_message = _("The opportunity is added.")

    def get_initial(self):
        return {"site": self.request.GET.get("site", "")}

    def perform(self, form):
        return services.opportunity_create(
            school=self.request.user.school, by=self.request.user, **form.cleaned_data
        )


class OpportunityUpdateView(OpportunityFormMixin, UpdateView):
    context_object_name = "opportunity"
    success_message = _("The opportunity is saved.")

    def get_queryset(self):
        return Opportunity.objects.visible_to(self.request.user).select_related("site")

    def school_id(self) -> int:
        return self.object.site.school_id

    def perform(self, form):
        return services.opportunity_update(
            opportunity=self.object, by=self.request.user, **form.cleaned_data
        )
