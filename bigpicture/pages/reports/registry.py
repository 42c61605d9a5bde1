"""Every report of the reports area, by the slug its URL names."""

from bigpicture.pages.reports import (
    advisories,
    assessment,
    expectations,
    families,
    internships,
    plans,
)

REPORTS = {
    report.slug: report
    for report in (
        advisories.REPORT,
        plans.REPORT,
        assessment.REPORT,
        internships.REPORT,
        expectations.REPORT,
        families.REPORT,
    )
}
