"""The import: the dry run's plan written in one transaction, all or nothing.

Rows are written in bulk, parents first (years before terms, people before their profiles,
advisories before memberships), each new row taking its parent's key from the parent object
inserted before it; then the sourcedIds that match them next time.
"""

from django.db import transaction

from advisories.models import Advisory, Membership
from bigpicture.bulk import insert_all
from bigpicture.models import School, SchoolYear, Term, User
from students.models import GuardianLink, RosterKey, Student
from students.roster.dataset import Dataset
from students.roster.plan import Report, plan

ORDER = (SchoolYear, Term, User, Student, Advisory, Membership, GuardianLink)
BATCH = 1000


class RosterRefused(Exception):
    """The file has errors: nothing was written. ``report`` says what and where."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} errors in the roster file")
        self.report = report


def run(dataset: Dataset, school: School, *, actor, progress=None) -> Report:
    """Import a roster into a school, all or nothing; ``RosterRefused`` if it has errors."""
    tell = progress or (lambda done, total: None)
    with transaction.atomic():
        # One import of a school at a time: a second waits here, then plans afresh.
        School.objects.select_for_update().filter(pk=school.pk).first()
        result = plan(dataset, school, actor=actor)
        if not result.report.ok:
            raise RosterRefused(result.report)
        if not result.writes:
            tell(1, 1)
            return result.report
        steps = len(ORDER) + 1
        for done, model in enumerate(ORDER, start=1):
            # Each table's changes before its new rows, so that a student's membership ends
            # before the new one opens; parents' tables before their children's.
            changed = result.update.get(model, {})
            _prepare(model, [row for row, _fields in changed.values()])
            _update(model, changed)
            rows = result.create.get(model, [])
            if rows:
                _prepare(model, rows)
                insert_all(model, rows)
            tell(done, steps)
        RosterKey.objects.bulk_create(
            [
                RosterKey(school=school, kind=kind, sourced_id=sid, object_id=row.pk)
                for kind, sid, row in result.keys
            ],
            batch_size=BATCH,
        )
        tell(steps, steps)
    return result.report


def _update(model, changed: dict) -> None:
    by_fields: dict[frozenset, list] = {}
    for row, fields in changed.values():
        by_fields.setdefault(frozenset(fields), []).append(row)
    for fields, rows in by_fields.items():
        model.objects.bulk_update(rows, sorted(fields), batch_size=BATCH)


def _prepare(model, rows: list) -> None:
    """Set each new row's parent keys from the parent objects inserted before it."""
    parents = [f for f in model._meta.concrete_fields if f.is_relation]
    for row in rows:
        for parent in parents:
            cached = row._state.fields_cache.get(parent.name)
            if cached is not None and getattr(row, parent.attname) is None:
                setattr(row, parent.attname, cached.pk)
