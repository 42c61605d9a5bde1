"""Each role's home, the school overview and the network's: the pages that gather every app."""

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from bigpicture import access
from bigpicture.access import ADMIN, ALL_ROLES, RoleRequiredMixin
from bigpicture.models import School
from bigpicture.pages import network, selectors, waiting
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
        context["network_admin"] = access.is_network_admin(user)
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


class NetworkOverviewView(RoleRequiredMixin, TemplateView):
    """Every school of the network side by side, for the network admin only: a school's
    own admin holds the admin role too, but their reach ends at their school (403)."""

    allowed_roles = {ADMIN}
    template_name = "bigpicture/network_overview.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.is_network_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        schools = School.objects.visible_to(self.request.user)
        return super().get_context_data(**kwargs, **network.network_overview(schools))
