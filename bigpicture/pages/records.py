"""The record of access, read by a school's admins and exported for a family: the school's
whole record (filtered, 50 rows a page), one student's, and that one as CSV or PDF."""

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import ListView, View

from bigpicture import records
from bigpicture.access import ADMIN, RoleRequiredMixin
from bigpicture.links import link
from bigpicture.mixins import ListPageMixin
from bigpicture.models import AccessRecord, School
from bigpicture.names import display_name
from bigpicture.pages import pdf
from bigpicture.pages.reports import exports
from students.models import Student

Area, Action = AccessRecord.Area, AccessRecord.Action
FORMATS = ("csv", "pdf")
COLUMNS = ("at", "person_name", "roles", "action", "area", "student_id", "source", "school_id")


class RecordFilterForm(forms.Form):
    """The filters of the record of access, read from the query string."""

    q = forms.CharField(label=_("Student"), required=False, max_length=100)
    person = forms.CharField(label=_("Who"), required=False, max_length=100)
    area = forms.ChoiceField(
        label=_("Records"), required=False, choices=[("", _("All")), *Area.choices]
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *Action.choices]
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=pgettext_lazy("the last day of a range of dates", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


def filtered(rows, data: dict, zone, students=None):
    """The rows the filters keep; dates are the school's days, from midnight to midnight."""
    if data.get("person"):
        rows = rows.filter(person_name__icontains=data["person"])
    for name in ("area", "action"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    if data.get("start"):
        rows = rows.filter(at__gte=datetime.combine(data["start"], time(), zone))
    if data.get("end"):
        rows = rows.filter(at__lt=datetime.combine(data["end"] + timedelta(days=1), time(), zone))
    if students is not None and data.get("q", "").split():
        for word in data["q"].split():
            students = students.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        rows = rows.filter(student_id__in=students.values("pk"))
    return rows


def shown(rows: list[dict], zones: dict[int, object], names: dict[int, str]) -> list[dict]:
    """The page's rows as shown: when in the school's time zone, labels, the student's name."""
    areas, actions = dict(Area.choices), dict(Action.choices)
    for row in rows:
        row["at"] = timezone.localtime(row["at"], zones.get(row["school_id"], UTC))
        row["area_label"] = areas.get(row["area"], row["area"])
        row["action_label"] = actions.get(row["action"], row["action"])
        row["student"] = names.get(row["student_id"], f"#{row['student_id']}")
        row["student_url"] = link("reports:access-student", row["student_id"])
    return rows


def zones_of(school_ids) -> dict[int, object]:
    return {
        school.pk: school.zone
        for school in School.objects.filter(pk__in=set(school_ids)).only("pk", "time_zone")
    }


class RecordPageMixin(RoleRequiredMixin, ListPageMixin):
    """A page of the record of access: a school's admins (a network admin: every school's)."""

    allowed_roles = {ADMIN}
    paginate_by = 50
    context_object_name = "rows"

    def get_form(self) -> RecordFilterForm:
        if not hasattr(self, "form"):
            self.form = RecordFilterForm(self.request.GET or None)
            self.form.is_valid()
        return self.form

    def zone(self):
        school = self.request.user.school
        return school.zone if school else UTC

    def rows(self, students=None):
        form = self.get_form()
        rows = AccessRecord.objects.visible_to(self.request.user)
        # Bad dates leave the record unfiltered by them, with the message next to the field.
        data = form.cleaned_data if form.is_bound else {}
        return filtered(rows, data, self.zone(), students).values(*COLUMNS, "id")

    def decorate(self, context):
        page = list(context["rows"])
        ids = {row["student_id"] for row in page}
        names = {
            pk: display_name(preferred, first, last)
            for pk, preferred, first, last in Student.objects.filter(pk__in=ids).values_list(
                "pk", "preferred_name", "user__first_name", "user__last_name"
            )
        }
        context["rows"] = shown(page, zones_of(row["school_id"] for row in page), names)
        return context

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.get_form(), **kwargs)


class AccessListView(RecordPageMixin, ListView):
    """The school's record of access, newest first."""

    template_name = "reports/access_list.html"

    def get_queryset(self):
        return self.rows(students=Student.objects.visible_to(self.request.user))


def students_of(user):
    """Students whose record a person may read: those of the schools they administer."""
    schools = School.objects.administered_by(user)
    return Student.objects.visible_to(user).filter(school__in=schools)


class StudentRecordMixin:
    """Pages about one student's record: a student of another school is a 404."""

    def get_student(self) -> Student:
        if not hasattr(self, "student"):
            students = students_of(self.request.user).select_related("user", "school")
            self.student = get_object_or_404(students, pk=self.kwargs["pk"])
        return self.student

    def zone(self):
        return self.get_student().school.zone


class AccessStudentView(StudentRecordMixin, RecordPageMixin, ListView):
    """One student's record of access, with its downloads."""

    template_name = "reports/access_student.html"

    def get_queryset(self):
        return self.rows().filter(student_id=self.get_student().pk)

    def decorate(self, context):
        student, zone = self.get_student(), self.zone()
        names = {student.pk: student.display_name}
        context["rows"] = shown(list(context["rows"]), {student.school_id: zone}, names)
        return context

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            student=self.get_student(),
            languages=settings.LANGUAGES,
            pdf_available=pdf.AVAILABLE,
            **kwargs,
        )


class AccessExportView(StudentRecordMixin, RecordPageMixin, View):
    """One student's record of access as CSV (streamed) or PDF; the download is recorded."""

    def get(self, request, *args, **kwargs):
        if kwargs["format"] not in FORMATS or (kwargs["format"] == "pdf" and not pdf.AVAILABLE):
            raise Http404("No such format.")
        student = self.get_student()
        rows = self.rows().filter(student_id=student.pk).order_by("at", "id")
        records.exported(request, Area.RECORD, Student.objects.filter(pk=student.pk))
        name = f"record-of-access-{student.pk}.{kwargs['format']}"
        if kwargs["format"] == "csv":
            return exports.csv_response(name, self.csv_rows(rows))
        response = HttpResponse(self.as_pdf(rows), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def language(self) -> str:
        asked = self.request.GET.get("lang", "")
        known = {code for code, _name in settings.LANGUAGES}
        return asked if asked in known else translation.get_language()

    def csv_rows(self, rows):
        student, zone = self.get_student(), self.zone()
        areas, actions = dict(Area.choices), dict(Action.choices)
        with translation.override(self.language()):
            header = [_("when"), _("who"), _("as"), _("action"), _("records"), _("student")]
            yield [*map(str, header), str(_("through"))]
            for row in rows.iterator():
                yield [
                    timezone.localtime(row["at"], zone).isoformat(timespec="seconds"),
                    row["person_name"],
                    row["roles"],
                    str(actions.get(row["action"], row["action"])),
                    str(areas.get(row["area"], row["area"])),
                    student.display_name,
                    row["source"],
                ]

    def as_pdf(self, rows) -> bytes:
        student, zone = self.get_student(), self.zone()
        data = self.get_form().cleaned_data if self.get_form().is_bound else {}
        with translation.override(self.language()):
            shown_rows = shown(list(rows), {student.school_id: zone}, {})
            html = render_to_string(
                "reports/access_record_pdf.html",
                {
                    "school": student.school,
                    "student": student,
                    "rows": shown_rows,
                    "start": data.get("start") or (shown_rows[0]["at"] if shown_rows else None),
                    "end": data.get("end") or (shown_rows[-1]["at"] if shown_rows else None),
                    "made_at": timezone.localtime(timezone.now(), zone),
                    "language": translation.get_language(),
                },
            )
        return pdf.pdf_from_html(html)


urlpatterns = [
    path("access/", AccessListView.as_view(), name="access-list"),
    path("access/students/<int:pk>/", AccessStudentView.as_view(), name="access-student"),
    path(
        "access/students/<int:pk>/<str:format>/",
        AccessExportView.as_view(),
        name="access-student-export",
    ),
]
