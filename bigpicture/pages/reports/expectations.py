"""The the 10 expectations and early warning report (being written: sections come next)."""

from django.utils.translation import gettext_lazy

from bigpicture.pages.reports.tables import Report


class ExpectationsReport(Report):
    slug = "expectations"
    title = gettext_lazy("The 10 Expectations and early warning")
    summary = gettext_lazy(
        "Reflections by advisory and expectation, the trend by term, students "
        "by early-warning status, attendance by advisory."
    )

    def sections(self, scope):
        return []


REPORT = ExpectationsReport()
