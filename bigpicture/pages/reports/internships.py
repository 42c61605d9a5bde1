"""The internships report (being written: sections come next)."""

from django.utils.translation import gettext_lazy

from bigpicture.pages.reports.tables import Report


class InternshipsReport(Report):
    slug = "internships"
    title = gettext_lazy("Internships")
    summary = gettext_lazy(
        "Participation by year level, confirmed hours against the target, "
        "hours by site and career cluster, mentors' checks, days unconfirmed, "
        "internships gone quiet."
    )

    def sections(self, scope):
        return []


REPORT = InternshipsReport()
