"""The roster pages of a school's admins: upload a file (checked in the background), read the
dry run's report, import it, look back at past imports; the plain CSV template and the
OneRoster export to download."""

import csv
import io
import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import DetailView, FormView, View

from bigpicture import jobs, records
from bigpicture.access import ADMIN, RoleRequiredMixin
from bigpicture.mixins import QueryStringMixin, add_service_errors
from bigpicture.models import Job, School
from bigpicture.records import Area
from bigpicture.uploads import limit_uploads
from students import roster
from students.forms.roster import RosterUploadForm, too_large
from students.models import Student
from students.services import roster_jobs

HISTORY_PER_PAGE = 20
ERRORS_SHOWN = 500  # the report shows this many row errors; the CSV has them all
COLUMNS = ("created", "updated", "ended", "unchanged")


class RosterMixin(RoleRequiredMixin):
    """The roster pages of the admin's own school."""

    allowed_roles = {ADMIN}
    requires_own_school = True

    @cached_property
    def school(self) -> School:
        schools = School.objects.administered_by(self.request.user)
        return get_object_or_404(schools, pk=self.request.user.school_id)

    def roster_jobs(self):
        """The school's roster jobs this admin may open."""
        return jobs.visible_to(self.request.user).filter(kind__in=roster_jobs.ROSTER_KINDS)


# The upload is read only once the person is checked, with the size limit in front of it; the
# CSRF token is checked then (csrf_exempt only defers it to post()), and no transaction is
# held open while a large file arrives (the service opens its own).
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class RosterView(RosterMixin, QueryStringMixin, FormView):
    """Upload a roster file, and the school's past checks and imports."""

    form_class = RosterUploadForm
    template_name = "students/roster/roster.html"
    upload_limit = None

    def post(self, request, *args, **kwargs):
        self.school  # noqa: B018 - out of reach: 404 before a byte of the file is read
        self.upload_limit = limit_uploads(request, roster.MAX_UPLOAD_BYTES)
        return csrf_protect(super().post)(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.upload_limit is not None and self.upload_limit.refused_size is not None:
            kwargs["upload_refusal"] = too_large(self.upload_limit.refused_size)
        return kwargs

    def form_valid(self, form):
        try:
            job = roster_jobs.roster_upload(
                school=self.school,
                by=self.request.user,
                upload=form.cleaned_data["file"],
                file_format=form.cleaned_data["file_format"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect("bigpicture:job-detail", pk=job.pk)

    def get_context_data(self, **kwargs):
        history = (
            self.roster_jobs()
            .filter(school=self.school)
            .select_related("created_by")
            .defer("result", "params")
            .annotate(counts=F("result__counts"), error_count=F("result__error_count"))
        )
        page = Paginator(history, HISTORY_PER_PAGE).get_page(self.request.GET.get("page"))
        for job in page:
            job.changes = changes(job.counts)
        return super().get_context_data(
            school=self.school,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            paginator=page.paginator,
            **kwargs,
        )


def changes(counts) -> list[tuple[str, list[int]]]:
    """The kinds a job changed (or would change), with their numbers in COLUMNS' order."""
    if not isinstance(counts, dict):
        return []
    rows = []
    for kind, numbers in counts.items():
        values = [numbers.get(column, 0) for column in COLUMNS]
        if any(values[:3]):
            rows.append((kind, values))
    return rows


class RosterReportView(RosterMixin, DetailView):
    """The report of a roster check (what an import would do, and every row error) or of an
    import (what it did)."""

    template_name = "students/roster/report.html"
    context_object_name = "job"

    def get_queryset(self):
        return self.roster_jobs().select_related("created_by")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.finished:
            return redirect("bigpicture:job-detail", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        job = self.object
        report = roster_jobs.report_of(job)
        errors = report.errors if report else []
        imports = Job.Kind.ROSTER_IMPORT
        return super().get_context_data(
            report=report,
            rows=[(kind, [n.get(c, 0) for c in COLUMNS]) for kind, n in report.counts.items()]
            if report
            else [],
            errors=errors[:ERRORS_SHOWN],
            error_total=len(errors),
            errors_capped=len(errors) > ERRORS_SHOWN,
            importable=job.kind == Job.Kind.ROSTER_CHECK
            and job.status == Job.Status.DONE
            and report is not None
            and report.ok,
            imports=self.roster_jobs().filter(kind=imports, params__check=job.pk).count()
            if job.kind == Job.Kind.ROSTER_CHECK
            else 0,
            **kwargs,
        )


def _csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (the text comes from the file)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class RosterErrorsView(RosterMixin, View):
    """Every row error of a roster report, as CSV."""

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(self.roster_jobs(), pk=kwargs["pk"])
        report = roster_jobs.report_of(job)
        errors = report.errors if report else []

        def lines():
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow([_("file"), _("line"), _("column"), _("reason")])
            for error in errors:
                writer.writerow(
                    [_csv_safe(v) for v in (error.file, error.line, error.column, error.reason)]
                )
                yield out.getvalue()
                out.seek(0)
                out.truncate()
            yield out.getvalue()

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="roster-errors-{job.pk}.csv"'
        return response


class RosterImportView(RosterMixin, View):
    """Import a checked file (POST only): queued in the background, its progress shown."""

    def post(self, request, *args, **kwargs):
        check = get_object_or_404(
            self.roster_jobs().filter(kind=Job.Kind.ROSTER_CHECK), pk=kwargs["pk"]
        )
        try:
            job = roster_jobs.roster_import_start(check=check, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("students:roster-report", pk=check.pk)
        return redirect("bigpicture:job-detail", pk=job.pk)


class RosterTemplateView(RosterMixin, View):
    """The plain CSV to fill in: its header and one example row."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(roster.plain_template(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="roster-template.csv"'
        return response


class RosterExportView(RosterMixin, View):
    """The school as a OneRoster 1.1 CSV zip; recorded as an export of every student in it."""

    def get(self, request, *args, **kwargs):
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
        roster.export_oneroster(self.school, out)
        out.seek(0)
        records.exported(request, Area.PROFILE, Student.objects.filter(school=self.school))
        day = timezone.localdate(timezone.now(), self.school.zone).isoformat()
        name = f"oneroster-{self.school.slug or self.school.pk}-{day}.zip"
        response = FileResponse(out, as_attachment=True, filename=name)
        response["Cache-Control"] = "private, no-store"
        return response
