"""The meetings, narratives and exhibitions report (being written: sections come next)."""

from django.utils.translation import gettext_lazy

from bigpicture.pages.reports.tables import Report


class AssessmentReport(Report):
    slug = "assessment"
    title = gettext_lazy("Meetings, narratives and exhibitions")
    summary = gettext_lazy(
        "Plan meetings held, scheduled and missing; narratives written and "
        "published; exhibitions, results by learning goal and gateways."
    )

    def sections(self, scope):
        return []


REPORT = AssessmentReport()
