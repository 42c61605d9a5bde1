"""Attendance pages: the advisor takes a day's roll, and a student's attendance over a year."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from advisories.models import Advisory
from bigpicture.access import LEARNING_TEAM, STAFF, RoleRequiredMixin
from bigpicture.dates import span_errors
from bigpicture.links import link
from bigpicture.mixins import ListPageMixin, RecordsViewMixin, ServiceFormMixin
from bigpicture.records import Area
from expectations.forms.attendance import RollForm
from expectations.selectors import attendance as selectors
from expectations.services import attendance as services
from students.views.mixins import StudentMixin

LABELS = {value: label for value, label, _colour in selectors.CHOICES}


class AttendanceTakeView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """A day's roll of an advisory (today unless ``?day=``), saved whole in one request."""

    allowed_roles = STAFF
    form_class = RollForm
    template_name = "expectations/attendance_take.html"
    changed: frozenset[int] = frozenset()  # students saved differently since the page opened

    def get_advisory(self) -> Advisory:
        if not hasattr(self, "advisory"):
            advisories = Advisory.objects.visible_to(self.request.user).select_related("school")
            self.advisory = get_object_or_404(advisories, pk=self.kwargs["pk"])
        return self.advisory

    def get_day(self) -> date:
        """The day to show: the one asked for, or the school's today (with the reason why
        in ``day_error`` when the one asked for cannot be shown)."""
        if not hasattr(self, "day"):
            self.today = self.get_advisory().school.today()
            self.day, self.day_error = self.today, ""
            source = self.request.POST if self.request.method == "POST" else self.request.GET
            asked = source.get("day", "").strip()
            if asked:
                self.day, self.day_error = self._asked(asked)
        return self.day

    def _asked(self, asked: str) -> tuple[date, str]:
        try:
            day = date.fromisoformat(asked)
        except ValueError:
            return self.today, _("Enter a valid date.")
        if day > self.today:
            return self.today, _("Attendance cannot be taken for a day in the future.")
        if errors := span_errors(self.today, day=day):
            return self.today, errors["day"]
        return day, ""

    def perform(self, form):
        try:
            return services.attendance_take(
                advisory=self.get_advisory(),
                day=form.cleaned_data["day"],
                marks=form.marks(),
                by=self.request.user,
                seen=form.seen(),
            )
        except ValidationError as error:
            self.changed = services.changed_students(error)
            raise

    @property
    def success_message(self) -> str:
        counts = self.result.counts
        return (
            _(
                "Attendance saved: %(present)s present, %(absent)s absent, %(late)s late, "
                "%(excused)s excused."
            )
            % counts
        )

    def get_success_url(self) -> str:
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        url = link("expectations:attendance-take", self.get_advisory().pk)
        return f"{url}?day={self.result.sheet.on.isoformat()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roll = selectors.roll_of(self.get_advisory(), self.get_day())
        form = context["form"]
        if form.is_bound:
            form.show_on(roll, self.changed)
        elif self.day_error:
            roll.errors = [self.day_error]
        return {**context, "advisory": self.advisory, "roll": roll, "today": self.today}


class StudentAttendanceView(RecordsViewMixin, StudentMixin, ListPageMixin, ListView):
    """A student's attendance at advisory over a school year: the counts and the days they
    were not simply present, newest first."""

    allowed_roles = LEARNING_TEAM
    record_area = Area.ATTENDANCE
    template_name = "expectations/attendance_student.html"
    context_object_name = "marks"
    paginate_by = 30

    def get_year(self):
        """The school year asked for (``?year=``, a 404 if not the school's), else the
        current one; None when the school has no years."""
        if not hasattr(self, "year"):
            student = self.get_student()
            self.years = selectors.school_years(student.school_id)
            asked = self.request.GET.get("year", "").strip()
            if not asked:
                self.year = selectors.year_of(self.years, student.school.today())
            else:
                chosen = [year for year in self.years if str(year.pk) == asked]
                if not chosen:
                    raise Http404("No such school year.")
                self.year = chosen[0]
        return self.year

    def get_record(self) -> selectors.Record:
        if not hasattr(self, "record"):
            self.record = selectors.student_record(self.get_student(), self.get_year())
        return self.record

    def known_count(self) -> int:
        record = self.get_record()
        return record.absent + record.late + record.excused

    def get_queryset(self):
        return selectors.student_marks(self.get_student(), self.get_year())

    def decorate(self, context: dict) -> dict:
        context["marks"] = marks = list(context["marks"])
        for mark in marks:
            mark["label"] = LABELS[mark["status"]]
        return {**context, "record": self.get_record(), "year": self.year, "years": self.years}


urlpatterns = [
    path(
        "advisories/<int:pk>/attendance/",
        AttendanceTakeView.as_view(),
        name="attendance-take",
    ),
    path(
        "students/<int:pk>/attendance/",
        StudentAttendanceView.as_view(),
        name="attendance-student",
    ),
]
