"""Access matrix cases for the reports area (see tests/bigpicture/test_access_matrix.py):
admins and advisors open every report (advisors about their own advisories); nobody else."""

from bigpicture.pages.reports.registry import REPORTS
from tests.bigpicture.matrix import expect

STAFF = expect(admin=200, advisor=200, admin2=200)  # each about their own school or advisory
# The second school has no school year yet: its report says so, and there is nothing to download.
DOWNLOADS = expect(admin=200, advisor=200, admin2=404)

CASES = [("reports:report-list", None, STAFF)]
for slug in REPORTS:
    CASES += [
        ("reports:report", lambda w, slug=slug: {"slug": slug}, STAFF),
        ("reports:report-students", lambda w, slug=slug: {"slug": slug}, STAFF),
        (
            "reports:report-students-export",
            lambda w, slug=slug: {"slug": slug, "format": "csv"},
            DOWNLOADS,
        ),
    ]
CASES += [
    (
        "reports:report-table",
        lambda w: {"slug": "advisories", "table": "capacity", "format": "xlsx"},
        DOWNLOADS,
    ),
    # Unknown reports, tables and formats are not found, for those who may open reports.
    ("reports:report", lambda w: {"slug": "nothing"}, expect(admin=404, advisor=404, admin2=404)),
    (
        "reports:report-table",
        lambda w: {"slug": "advisories", "table": "nothing", "format": "csv"},
        expect(admin=404, advisor=404, admin2=404),
    ),
    (
        "reports:report-students-export",
        lambda w: {"slug": "advisories", "format": "pdf"},
        expect(admin=404, advisor=404, admin2=404),
    ),
]
