"""The reports area: the list of reports, a report with its filters, the students behind a
number, and the downloads. Admins read their school; advisors the same reports about their
own advisories (the scope's reach); a network admin picks the school."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from bigpicture import records
from bigpicture.access import STAFF, RoleRequiredMixin
from bigpicture.models import AccessRecord
from bigpicture.pages.reports import exports, students
from bigpicture.pages.reports.registry import REPORTS
from bigpicture.pages.reports.scope import ReportFilterForm
from bigpicture.pages.reports.tables import everyone, parameters

PAGE_SIZE = 50


class ReportListView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(reports=REPORTS.values(), **kwargs)


class ReportMixin(RoleRequiredMixin):
    """The report named in the URL and its scope from the query string; filters that do not
    hold (another school's advisory, a term of another year, a year level of 7) are shown
    next to their field, with no numbers."""

    allowed_roles = STAFF
    # A page shows the filters with their messages; a download with filters that do not
    # hold is a bad request (the page with the messages, and no file).
    invalid_status = 200

    def setup_report(self):
        self.report = REPORTS.get(self.kwargs["slug"])
        if self.report is None:
            raise Http404("No such report.")
        self.form = ReportFilterForm(self.request.GET, user=self.request.user)
        self.scope = self.form.scope() if self.form.is_valid() else None

    def get(self, request, *args, **kwargs):
        self.setup_report()
        if not self.form.is_valid():
            context = self.get_context_data()
            return self.render_to_response(context, status=self.invalid_status)
        return self.respond()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            report=self.report,
            form=self.form,
            scope=self.scope,
            scope_query_prefix=self.report.path,
            scope_query=f"?{self.scope.query}" if self.scope and self.scope.query else "",
            **kwargs,
        )


class ReportView(ReportMixin, TemplateView):
    template_name = "reports/report_detail.html"

    def respond(self):
        sections = self.report.sections(self.scope) if self.scope else []
        return self.render_to_response(self.get_context_data(sections=sections))


class ReportTableView(ReportMixin, TemplateView):
    """One of a report's tables as CSV or XLSX (a download that includes every student in
    the scope, and is recorded as such)."""

    template_name = "reports/report_detail.html"
    invalid_status = 400

    def respond(self):
        if self.kwargs["format"] not in exports.FORMATS or self.scope is None:
            raise Http404("No such download.")
        tables = {section.table.slug: section.table for section in self.report.sections(self.scope)}
        table = tables.get(self.kwargs["table"])
        if table is None:
            raise Http404("No such table in this report.")
        records.exported(self.request, AccessRecord.Area.REPORT, everyone(self.scope))
        name = f"{self.report.slug}-{table.slug}"
        return exports.download(self.kwargs["format"], name, str(table.title), table.values())


class ReportStudentsView(ReportMixin, TemplateView):
    """The students behind a number (``?measure=...``), or every student of the report."""

    template_name = "reports/report_students.html"

    def chosen(self):
        measure = self.request.GET.get("measure", "")
        if not measure:
            return _("Every student in this report"), everyone(self.scope)
        return self.report.drill(self.scope, measure, parameters(self.request.GET))

    def respond(self):
        if self.scope is None:
            return self.render_to_response(self.get_context_data(caption="", rows=[]))
        caption, chosen = self.chosen()
        page = self.page_of(chosen)
        rows = []
        for values in page:
            url, name, *cells = students.shown(self.scope, values)
            rows.append((url, name, cells))
        records.viewed(
            self.request, AccessRecord.Area.REPORT, *((values[0], values[1]) for values in page)
        )
        return self.render_to_response(
            self.get_context_data(
                caption=caption,
                rows=rows,
                headers=students.headers(self.scope, self.report),
                page_number=self.number,
                has_next=self.has_next,
                query=self.request.GET.urlencode(),
                paged_query=self.query_without_page(),
            )
        )

    def page_of(self, chosen):
        """One page of rows, read with one query (a row more than the page says whether
        there is a next page)."""
        number = self.request.GET.get("page", "1")
        self.number = int(number) if number.isdigit() and int(number) > 0 else 1
        start = (self.number - 1) * PAGE_SIZE
        page = list(students.rows(self.scope, self.report, chosen)[start : start + PAGE_SIZE + 1])
        self.has_next = len(page) > PAGE_SIZE
        return page[:PAGE_SIZE]

    def query_without_page(self) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()


class ReportStudentsExportView(ReportStudentsView):
    """The students behind a number as CSV (streamed) or XLSX, recorded as an export."""

    invalid_status = 400

    def respond(self):
        if self.kwargs["format"] not in exports.FORMATS or self.scope is None:
            raise Http404("No such download.")
        _caption, chosen = self.chosen()
        records.exported(self.request, AccessRecord.Area.REPORT, chosen)
        rows = students.file_rows(self.scope, self.report, chosen)
        name = f"{self.report.slug}-students"
        return exports.download(self.kwargs["format"], name, str(self.report.title), rows)
