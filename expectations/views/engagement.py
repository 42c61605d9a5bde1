"""The early warning's pages: the school's list and thresholds for its admins, a student's
status and check-ins for their advisor."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from bigpicture.access import STAFF
from bigpicture.mixins import ListPageMixin, RecordsViewMixin, ServiceFormMixin
from bigpicture.records import Area
from bigpicture.selectors import current_year
from bigpicture.views import SchoolAdminMixin
from expectations.forms.engagement import CheckInForm, EngagementSettingsForm
from expectations.models import Engagement, EngagementSettings, signal_id
from expectations.selectors import engagement as selectors
from expectations.selectors.catalog import expectation_names, wordings
from expectations.services import engagement as services
from students.models import Student
from students.views.mixins import StudentMixin

LEVELS = (101, 201, 301, 401)


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


class EngagementListView(SchoolAdminMixin, ListPageMixin, ListView):
    """A school's students by status: counts by advisory and year level, and who is on
    watch or to act, with why."""

    template_name = "expectations/engagement_list.html"
    context_object_name = "rows"
    paginate_by = 50

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            get = self.request.GET
            level = _number(get.get("level", ""))
            self._filters = {
                "status": get.get("status", "") if get.get("status") in selectors.WATCHED else "",
                "advisory": _number(get.get("advisory", "")),
                "level": level if level in LEVELS else None,
            }
        return self._filters

    def year(self):
        return current_year(self.get_school())

    def get_queryset(self):
        found, year = self.filters(), self.year()
        graduating_class = None
        if found["level"] is not None:
            # A year level is a graduating class this year: 401 graduates at its end.
            graduating_class = (year.graduation_year if year else 0) + 4 - found["level"] // 100
        return selectors.watch_list(
            self.get_school(),
            status=found["status"],
            advisory=found["advisory"],
            graduating_class=graduating_class,
        )

    def decorate(self, context):
        names = expectation_names(self.get_school().pk)
        context["rows"] = selectors.watch_rows(context["rows"], self.year(), names)
        return context

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            counts=selectors.school_counts(self.get_school(), self.year()),
            filters=self.filters(),
            statuses=[(status, selectors.STATUS_LABELS[status]) for status in selectors.WATCHED],
            levels=LEVELS,
            **kwargs,
        )


class EngagementSettingsView(SchoolAdminMixin, ServiceFormMixin, FormView):
    """The school's thresholds for the signals."""

    form_class = EngagementSettingsForm
    template_name = "expectations/engagement_settings.html"
    success_message = _("The early warning's thresholds are saved.")

    def get_form_kwargs(self):
        school = self.get_school()
        row = EngagementSettings.objects.filter(school=school).first()
        return {**super().get_form_kwargs(), "instance": row or EngagementSettings(school=school)}

    def perform(self, form):
        return services.settings_save(
            school=self.get_school(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("expectations:engagement-settings", args=[self.get_school().pk])


class LedStudentMixin(StudentMixin):
    """A page about a student a person runs: their advisor, the school's admins."""

    allowed_roles = STAFF

    def students(self):
        return Student.objects.led_by(self.request.user)


class FetchStudentFirst:
    """Fetch the student once the role is let in, before the method is looked at: one out
    of reach is a 404 whatever the method."""

    def dispatch(self, request, *args, **kwargs):
        self.get_student()
        return super().dispatch(request, *args, **kwargs)


class EngagementStudentView(RecordsViewMixin, LedStudentMixin, TemplateView):
    """A student's status with its reasons in words, and the check-ins that answered them."""

    record_area = Area.ENGAGEMENT

    template_name = "expectations/engagement_student.html"

    def get_context_data(self, **kwargs):
        student = self.get_student()
        engagement = selectors.engagement_of(student)
        school_wordings = wordings(student.school_id, active_only=False)
        names = {wording.pk: wording.name for wording in school_wordings}
        by_key = {wording.key: wording.name for wording in school_wordings}
        return super().get_context_data(
            engagement=engagement,
            open_reasons=self.reasons(engagement, by_key, answered=False),
            answered_reasons=self.reasons(engagement, by_key, answered=True),
            check_ins=[(c, self.tags(c, names)) for c in selectors.check_ins_of(student)],
            **kwargs,
        )

    @staticmethod
    def reasons(engagement: Engagement | None, names: dict[str, str], *, answered: bool):
        if engagement is None:
            return []
        done = set(engagement.answered)
        chosen = [s for s in engagement.signals if (signal_id(s) in done) == answered]
        return selectors.describe(chosen, names)

    @staticmethod
    def tags(check_in, names: dict[int, str]) -> list[str]:
        return [names.get(e.pk, e.name) for e in check_in.expectations.all()]


class EngagementRefreshView(LedStudentMixin, FetchStudentFirst, View):
    """Compute one student's status now (POST only)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        student = self.get_student()
        services.compute_student(student)
        messages.success(request, _("The status is computed afresh."))
        return redirect("expectations:engagement-student", pk=student.pk)


class CheckInCreateView(LedStudentMixin, ServiceFormMixin, FormView):
    """Record a check-in with a student: it answers the signals they show now."""

    form_class = CheckInForm
    template_name = "expectations/checkin_form.html"
    success_message = _("The check-in is recorded; the student is on track until a new signal.")

    def get_form_kwargs(self):
        student = self.get_student()
        return {
            **super().get_form_kwargs(),
            "wordings": wordings(student.school_id),
            "earliest": student.enrolled_on,
            "latest": student.school.today(),
        }

    def get_initial(self):
        return {"on": self.get_student().school.today()}

    def get_context_data(self, **kwargs):
        student = self.get_student()
        engagement = selectors.engagement_of(student)
        names = expectation_names(student.school_id)
        reasons = selectors.describe(engagement.open_signals if engagement else [], names)
        return super().get_context_data(engagement=engagement, open_reasons=reasons, **kwargs)

    def perform(self, form):
        return services.check_in_record(
            student=self.get_student(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("expectations:engagement-student", args=[self.get_student().pk])


urlpatterns = [
    path("schools/<int:pk>/early-warning/", EngagementListView.as_view(), name="engagement-list"),
    path(
        "schools/<int:pk>/early-warning/settings/",
        EngagementSettingsView.as_view(),
        name="engagement-settings",
    ),
    path(
        "students/<int:pk>/engagement/",
        EngagementStudentView.as_view(),
        name="engagement-student",
    ),
    path(
        "students/<int:pk>/engagement/refresh/",
        EngagementRefreshView.as_view(),
        name="engagement-refresh",
    ),
    path("students/<int:pk>/check-ins/new/", CheckInCreateView.as_view(), name="check-in-create"),
]
