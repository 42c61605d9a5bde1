"""Each role's home and the school overview: the pages that gather every app."""

from django.views.generic import TemplateView

from bigpicture import access
from bigpicture.access import ADMIN, ALL_ROLES, RoleRequiredMixin
from bigpicture.models import School
from bigpicture.pages import selectors, waiting
from bigpicture.pages.rows import roster_rows
from bigpicture.views import SchoolAdminMixin
from expectations.selectors.engagement import needs_check_in
from internships.selectors import home as internships_home
from students.selectors import children_of


class HomeView(RoleRequiredMixin, TemplateView):
    """One home for everybody: a section for each role the person holds."""

    allowed_roles = ALL_ROLES
    template_name = "bigpicture/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        roles = access.roles_of(user)
        context = super().get_context_data(**kwargs)
        context["roles"] = roles
        context["waiting"] = waiting.waiting_for(user, self.request)
        if ADMIN in roles:
            context["admin_schools"] = list(School.objects.administered_by(user)[:50])
            if user.school_id:
                context["overview"] = selectors.school_overview(user.school)
        if access.ADVISOR in roles:
            context["advisories"] = advisories = selectors.advisor_home(user)
            for advisory in advisories:
                advisory.rows = roster_rows(advisory.roster)
            context["needs_check_in"] = needs_check_in(user) if advisories else []
        if access.STUDENT in roles:
            context["profile"] = selectors.student_home(user)
        if access.GUARDIAN in roles:
            context["children"] = children_of(user)
            context["child_internships"] = internships_home.children_internships(
                context["children"]
            )
        if access.MENTOR in roles:
            context["interns"] = internships_home.mentor_home(user)
        return context


class SchoolOverviewView(SchoolAdminMixin, TemplateView):
    template_name = "bigpicture/school_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overview"] = selectors.school_overview(self.get_school())
        return context
