"""The portfolio: one student's as a PDF for the student, their family, their advisor and the
school's admins; a whole advisory's or year level's as a zip made in the background."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from advisories.models import Advisory, Membership
from bigpicture import records
from bigpicture.access import LEARNING_TEAM, STAFF, RoleRequiredMixin
from bigpicture.mixins import add_service_errors
from bigpicture.pages import pdf
from bigpicture.pages.portfolio import services
from bigpicture.pages.portfolio.forms import BatchForm, LevelBatchForm
from bigpicture.pages.portfolio.selectors import default_paper, paper_for
from bigpicture.pages.portfolio.tasks import build_portfolios
from bigpicture.selectors import current_year
from bigpicture.views import SchoolAdminMixin
from students.models import Student
from students.views.mixins import StudentMixin


def language_for(request) -> str:
    """The language asked for (``?lang=``), else the person's own."""
    known = {code for code, _name in settings.LANGUAGES}
    for asked in (request.GET.get("lang", ""), getattr(request.user, "language", "")):
        if asked in known:
            return asked
    return translation.get_language() or settings.LANGUAGE_CODE


class PortfolioView(StudentMixin, View):
    """A student's portfolio as a PDF (``?paper=a4|letter``, ``?lang=``); the download is
    recorded."""

    allowed_roles = LEARNING_TEAM

    def get(self, request, *args, **kwargs):
        student = self.get_student()
        if not pdf.AVAILABLE:
            context = {"student": student}
            return render(request, "portfolio/unavailable.html", context, status=503)
        content = services.portfolio_pdf(
            student=student,
            viewer=request.user,
            paper=paper_for(request.GET.get("paper"), student.school),
            language=language_for(request),
        )
        records.exported(request, services.AREA, Student.objects.filter(pk=student.pk))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{services.file_name(student)}"'
        return response


class BatchMixin:
    """Ask for a batch: a form (paper, language), then the job's progress page."""

    template_name = "portfolio/batch_form.html"

    def get_initial(self):
        return {"paper": default_paper(self.batch_school()), "language": language_for(self.request)}

    def start(self, form, students, label: str):
        data = form.cleaned_data
        try:
            job = services.batch_start(
                by=self.request.user,
                school=self.batch_school(),
                students=students,
                paper=data["paper"],
                language=data["language"],
                label=label,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        transaction.on_commit(lambda: build_portfolios.delay(job.pk))
        return redirect("bigpicture:job-detail", pk=job.pk)


class AdvisoryBatchView(BatchMixin, RoleRequiredMixin, FormView):
    """An advisory's portfolios: its advisor, and the school's admins."""

    allowed_roles = STAFF
    form_class = BatchForm

    def get_advisory(self) -> Advisory:
        if not hasattr(self, "advisory"):
            advisories = Advisory.objects.visible_to(self.request.user).select_related("school")
            self.advisory = get_object_or_404(advisories, pk=self.kwargs["pk"])
        return self.advisory

    def batch_school(self):
        return self.get_advisory().school

    def get_context_data(self, **kwargs):
        advisory = self.get_advisory()
        title = _("Portfolios of the advisory %(name)s") % {"name": advisory.name}
        return super().get_context_data(title=title, back=advisory, **kwargs)

    def form_valid(self, form):
        advisory = self.get_advisory()
        members = Membership.objects.current().filter(advisory_id=advisory.pk)
        students = Student.objects.visible_to(self.request.user).filter(
            pk__in=members.values("student_id")
        )
        return self.start(form, students, advisory.name)


class LevelBatchView(BatchMixin, SchoolAdminMixin, FormView):
    """A year level's portfolios: the school's admins."""

    form_class = LevelBatchForm

    def batch_school(self):
        return self.get_school()

    def get_context_data(self, **kwargs):
        title = _("Portfolios of a year level")
        return super().get_context_data(title=title, back=self.get_school(), **kwargs)

    def form_valid(self, form):
        school, level = self.get_school(), form.cleaned_data["year_level"]
        year = current_year(school)
        if year is None:
            form.add_error(None, _("The school has no school year yet."))
            return self.form_invalid(form)
        graduating_class = year.graduation_year + 4 - level // 100
        students = Student.objects.visible_to(self.request.user).filter(
            school_id=school.pk, graduating_class=graduating_class
        )
        return self.start(form, students, f"{school.slug}-{level}")
