"""Making portfolios: one student's as a PDF, and a batch of them (an advisory, a year level)
as a zip built in the background, with its progress on the job."""

import tempfile
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigpicture import jobs, records
from bigpicture.models import AccessRecord, Job
from bigpicture.pages import pdf
from bigpicture.pages.portfolio.selectors import PAPERS, portfolio
from bigpicture.selectors import current_year
from students.models import Student

# The portfolio gathers every area of a student's records; the record of access names it by
# the student's profile (a portfolio area of its own would need a migration of the core).
AREA = AccessRecord.Area.PROFILE


def portfolio_html(*, student: Student, viewer, paper: str, language: str) -> str:
    """The student's portfolio as the page WeasyPrint prints, in a language, as ``viewer``
    may see it."""
    with translation.override(language):
        found = portfolio(viewer, student, current_year(student.school))
        found.made_at = timezone.localtime(timezone.now(), student.school.zone)
        return render_to_string(
            "portfolio/portfolio.html",
            {"portfolio": found, "paper": PAPERS[paper], "language": language},
        )


def portfolio_pdf(*, student: Student, viewer, paper: str, language: str) -> bytes:
    """The student's portfolio as a PDF."""
    html = portfolio_html(student=student, viewer=viewer, paper=paper, language=language)
    return pdf.pdf_from_html(html)


def file_name(student: Student) -> str:
    """The PDF's name: the student's name (ASCII) and number."""
    return f"portfolio-{slugify(student.display_name) or 'student'}-{student.pk}.pdf"


@transaction.atomic
def batch_start(*, by, school, students, paper: str, language: str, label: str) -> Job:
    """Ask for the portfolios of these students (a queryset the person may see) as a zip,
    to be built in the background (the caller queues ``build_portfolios`` on commit)."""
    ordered = students.order_by("user__last_name", "user__first_name", "pk")
    ids = list(ordered.values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("There are no students to make portfolios for."))
    job = Job.objects.create(
        kind=Job.Kind.PORTFOLIOS,
        school=school,
        created_by=by,
        total=len(ids),
        params={"students": ids, "paper": paper, "language": language, "label": label},
        file_name=f"portfolios-{slugify(label) or 'students'}.zip",
    )
    return job


def batch_build(job: Job) -> Job:
    """Write each student's portfolio into a zip, one at a time, counting each on the job as
    it is done (its own short update, so the progress shows while it runs); the zip is kept
    in the job's private file. Running it again starts over; a finished job is left alone."""
    if job.finished:
        return job
    params = job.params
    asked = params.get("students", [])
    jobs.start(job, total=len(asked))
    viewer = job.created_by
    students = Student.objects.none()
    if viewer is not None and viewer.is_active:
        students = Student.objects.visible_to(viewer).filter(pk__in=asked)
    students = students.select_related("user", "school").order_by(
        "user__last_name", "user__first_name", "pk"
    )
    made = 0
    with tempfile.TemporaryFile() as archive_file:
        with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_STORED) as archive:
            for student in students:
                content = portfolio_pdf(
                    student=student,
                    viewer=viewer,
                    paper=params.get("paper", "a4"),
                    language=params.get("language", "en"),
                )
                archive.writestr(file_name(student), content)
                made += 1
                Job.objects.filter(pk=job.pk).update(done=made)
        job.done = made
        result = {"portfolios": made, "left_out": len(asked) - made}
        return jobs.finish(job, result=result, file=archive_file, file_name=job.file_name)


def batch_failed(job: Job, error: Exception) -> None:
    """Mark a batch failed, with a short reason for the person who asked."""
    jobs.fail(job, str(error) or error.__class__.__name__)


def record_download(request, job: Job) -> None:
    """A batch's zip downloaded: an export of the portfolios of the students in it."""
    students = Student.objects.filter(
        school_id=job.school_id, pk__in=job.params.get("students", [])
    )
    records.exported(request, AREA, students)


jobs.register_download_record(Job.Kind.PORTFOLIOS, record_download)
