"""The pages of a background job: its progress (with its result once done), a small status
answer for the page's script, and the file it made."""

import mimetypes

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, View

from bigpicture import jobs
from bigpicture.access import ALL_ROLES, RoleRequiredMixin
from bigpicture.models import Job
from bigpicture.ranges import stored_file_response

# Shown while the job runs: the page reloads itself this often without scripts, and the
# script polls the status this often.
REFRESH_SECONDS = 2


class JobMixin(RoleRequiredMixin):
    """A job, for the person who asked for it and the admins of its school; others get 404."""

    allowed_roles = ALL_ROLES

    def get_queryset(self):
        return jobs.visible_to(self.request.user)


class JobDetailView(JobMixin, DetailView):
    template_name = "bigpicture/job_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return super().get_queryset().select_related("created_by")

    def get_context_data(self, **kwargs):
        job = self.object
        return super().get_context_data(
            refresh=REFRESH_SECONDS if not job.finished else None,
            result_url=jobs.result_url(job) if job.finished else "",
            count_rows=count_rows(job.result),
            downloadable=job.kind in jobs.OUTPUT_KINDS and bool(job.file),
            **kwargs,
        )


# The columns of a result's counts (kind -> {column: number}), in this order.
COUNT_COLUMNS = ["created", "updated", "ended", "unchanged"]


def count_rows(result) -> list[tuple[str, list[int]]]:
    """A result's ``counts`` as table rows: (kind, numbers in COUNT_COLUMNS' order)."""
    counts = result.get("counts") if isinstance(result, dict) else None
    if not isinstance(counts, dict):
        return []
    return [
        (kind, [numbers.get(column, 0) for column in COUNT_COLUMNS])
        for kind, numbers in counts.items()
        if isinstance(numbers, dict)
    ]


class JobStatusView(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        response = JsonResponse(jobs.status_of(job))
        response["Cache-Control"] = "private, no-store"
        return response


class JobFileView(JobMixin, View):
    """The file a job made (a zip of portfolios), once it is done, as a download streamed
    from its store (a broken download may be resumed with a range)."""

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(
            self.get_queryset()
            .filter(kind__in=jobs.OUTPUT_KINDS, status=Job.Status.DONE)
            .exclude(file=""),
            pk=kwargs["pk"],
        )
        response = stored_file_response(
            request,
            job.file.storage,
            job.file.name,
            content_type=mimetypes.guess_type(job.file_name)[0] or "application/octet-stream",
            filename=job.file_name or f"job-{job.pk}",
            as_attachment=True,
        )
        response["Cache-Control"] = "private, no-store"
        # A download resumed from the middle is the same download: noted once.
        first = response.status_code == 206 and response["Content-Range"].startswith("bytes 0-")
        if response.status_code == 200 or first:
            record = jobs.DOWNLOAD_RECORDS.get(job.kind)
            if record is not None:
                record(request, job)
        return response
