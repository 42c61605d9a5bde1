"""The families report (being written: sections come next)."""

from django.utils.translation import gettext_lazy

from bigpicture.pages.reports.tables import Report


class FamiliesReport(Report):
    slug = "families"
    title = gettext_lazy("Families")
    summary = gettext_lazy(
        "Families reached, their languages, email opt-outs and how long consent takes."
    )

    def sections(self, scope):
        return []


REPORT = FamiliesReport()
