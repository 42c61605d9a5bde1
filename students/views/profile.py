"""Student pages: the list, a profile, its edit form, enrolment, moves and guardian links."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DeleteView, DetailView, FormView, ListView, UpdateView

from advisories.forms import MoveStudentForm
from bigpicture.access import ADMIN, LEARNING_TEAM, STAFF, STUDENT_AND_STAFF, RoleRequiredMixin
from bigpicture.mixins import ListPageMixin, RecordsViewMixin, ServiceFormMixin
from bigpicture.models import School
from bigpicture.records import Area
from bigpicture.selectors import current_year
from students import selectors, services
from students.forms import (
    GuardianLinkForm,
    GuardianLinkUpdateForm,
    StudentCreateForm,
    StudentProfileForm,
)
from students.models import GuardianLink, Student
from students.selectors.profile import list_rows
from students.views.mixins import StudentMixin


class StudentListView(RoleRequiredMixin, ListPageMixin, ListView):
    allowed_roles = STAFF
    template_name = "students/student_list.html"
    context_object_name = "students"
    paginate_by = 50

    def get_queryset(self):
        return selectors.student_list(
            self.request.user,
            search=self.request.GET.get("q", ""),
            unplaced=self.request.GET.get("unplaced") == "1",
        )

    def count_cache_key(self):
        unplaced = self.request.GET.get("unplaced") == "1"
        return self.school_count_key("students", "unplaced" if unplaced else "all")

    def decorate(self, context):
        year = current_year(self.request.user.school)
        context["students"] = list_rows(context["students"], year)
        return context

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            q=self.request.GET.get("q", ""),
            unplaced=self.request.GET.get("unplaced") == "1",
            **kwargs,
        )


class StudentDetailView(RecordsViewMixin, RoleRequiredMixin, DetailView):
    allowed_roles = LEARNING_TEAM
    record_area = Area.PROFILE
    template_name = "students/student_detail.html"
    context_object_name = "student"

    def get_object(self, queryset=None):
        # Read as shown, within ``visible_to``'s reach: a 404 outside it.
        user = self.request.user
        student = selectors.profile_in_reach(user, self.kwargs["pk"])
        if student is None:
            raise Http404
        if student.school_id == user.school_id:
            student.school = user.school  # read with the person
        return student

    def recorded_student(self):
        return self.object

    def get_context_data(self, **kwargs):
        user, student = self.request.user, self.object

        def read():
            # led_by(user), asked of the student in hand: no query for an admin or the
            # student themself, one for an advisor; editing follows (``is_editable_by``)
            leads = student.is_led_by(user)
            own = student.is_self(user) and user.school_id == student.school_id
            return {
                **selectors.student_detail(student, user, leads=leads),
                "can_edit": leads or own,
                "sees_contacts": leads,
            }

        return super().get_context_data(
            **read(),
            can_manage=user.is_superuser or (ADMIN in user.roles),
            **kwargs,
        )


class StudentUpdateView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = STUDENT_AND_STAFF
    form_class = StudentProfileForm
    template_name = "students/student_form.html"
    context_object_name = "student"
    success_message = _("The profile is saved.")

    def get_queryset(self):
        return Student.objects.editable_by(self.request.user).select_related("user", "school")

    def perform(self, form):
        return services.student_profile_update(
            student=self.object, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class StudentCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {ADMIN}
    requires_own_school = True
    form_class = StudentCreateForm
    template_name = "students/student_create.html"
    success_message = _("The student is enrolled.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "school": self.request.user.school}

    def perform(self, form):
        return services.student_create(
            school=self.request.user.school, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class StudentScopedMixin(StudentMixin):
    """Views that act on one student the admin can manage (else 404)."""

    allowed_roles = {ADMIN}

    def students(self):
        schools = School.objects.administered_by(self.request.user)
        return Student.objects.editable_by(self.request.user).filter(school__in=schools)

    def get_success_url(self):
        return self.get_student().get_absolute_url()


class StudentMoveView(StudentScopedMixin, ServiceFormMixin, FormView):
    form_class = MoveStudentForm
    template_name = "students/student_move.html"
    success_message = _("The student is moved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "school": self.get_student().school}

    def get_initial(self):
        return {"start_date": self.get_student().school.today()}

    def perform(self, form):
        data = form.cleaned_data
        return services.student_move(
            student=self.get_student(),
            advisory=data["advisory"],
            start_date=data["start_date"],
            by=self.request.user,
            override_capacity=data["override_capacity"],
            reason=data["reason"],
            place_anyway=data["place_anyway"],
        )


class GuardianLinkCreateView(StudentScopedMixin, ServiceFormMixin, FormView):
    form_class = GuardianLinkForm
    template_name = "students/guardianlink_form.html"
    success_message = _("The guardian is linked.")

    def perform(self, form):
        return services.guardian_link(
            student=self.get_student(), by=self.request.user, **form.cleaned_data
        )


class GuardianLinkMixin(RoleRequiredMixin):
    allowed_roles = {ADMIN}
    context_object_name = "link"

    def get_queryset(self):
        return GuardianLink.objects.editable_by(self.request.user).select_related(
            "student__user", "guardian"
        )

    def get_success_url(self):
        return self.object.student.get_absolute_url()


class GuardianLinkUpdateView(GuardianLinkMixin, ServiceFormMixin, UpdateView):
    form_class = GuardianLinkUpdateForm
    template_name = "students/guardianlink_update.html"
    success_message = _("The guardian's link is saved.")

    def perform(self, form):
        return services.guardian_link_update(
            link=self.object, by=self.request.user, **form.cleaned_data
        )


class GuardianLinkDeleteView(GuardianLinkMixin, DeleteView):
    template_name = "students/guardianlink_confirm_delete.html"

    def form_valid(self, form):
        student = self.object.student
        services.guardian_unlink(link=self.object, by=self.request.user)
        messages.success(self.request, _("The guardian is no longer linked to this student."))
        return redirect(student)
