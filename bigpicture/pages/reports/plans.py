"""The learning plans report (being written: sections come next)."""

from django.utils.translation import gettext_lazy

from bigpicture.pages.reports.tables import Report


class PlansReport(Report):
    slug = "plans"
    title = gettext_lazy("Learning plans")
    summary = gettext_lazy(
        "Status per term by advisory, days waiting for review, goals met by "
        "learning goal, carried-over goals."
    )

    def sections(self, scope):
        return []


REPORT = PlansReport()
