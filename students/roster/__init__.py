"""Rosters in and out: OneRoster 1.1 CSV (and a plain CSV of students and their families)
read, checked in a dry run, imported all or nothing, and the school exported back.

The web flow calls only what is re-exported here (API.md).
"""

from students.roster.apply import RosterRefused, run
from students.roster.dataset import MAX_UPLOAD_BYTES, Dataset, RowError
from students.roster.export import export_oneroster
from students.roster.oneroster import read_oneroster
from students.roster.plain import PLAIN_COLUMNS, plain_template, read_plain
from students.roster.plan import Report, check

__all__ = [
    "MAX_UPLOAD_BYTES",
    "PLAIN_COLUMNS",
    "Dataset",
    "Report",
    "RosterRefused",
    "RowError",
    "check",
    "export_oneroster",
    "plain_template",
    "read_oneroster",
    "read_plain",
    "run",
]
