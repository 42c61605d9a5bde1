"""Writing the record of access cheaply: at most one INSERT per request.

- A page that shows a student's records calls :func:`viewed`; the row waits in the request's
  buffer.
- A service that changes them is wrapped in :func:`records_change`; its row joins the buffer
  when the transaction commits (a change rolled back is not recorded).
- :class:`AccessRecordMiddleware` writes the buffer with one ``bulk_create`` after the view.
- A download that includes students calls :func:`exported` with the queryset of those
  students: one ``INSERT ... SELECT`` writes a row for each, however many (a 5,000-student
  CSV costs one statement, not 5,000).

Outside a request (a task, a command) rows are written when the transaction commits.
Setting ``ACCESS_RECORD = False`` switches the record off (the benchmark measures its cost).
"""

import functools
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bigpicture import access
from bigpicture.models import AccessRecord, School

Area = AccessRecord.Area
Action = AccessRecord.Action


@dataclass
class Visit:
    """Who is asking, and the rows their request has noted so far."""

    person_id: int | None
    person_name: str
    roles: str
    path: str
    source: str = ""
    rows: list[AccessRecord] = field(default_factory=list)

    def add(self, *, school_id, student_id, action, area, source="", at=None) -> None:
        self.rows.append(
            AccessRecord(
                school_id=school_id,
                student_id=student_id,
                person_id=self.person_id,
                person_name=self.person_name,
                roles=self.roles,
                action=action,
                area=area,
                source=(source or self.source)[:120],
                path=self.path[:300],
                at=at or timezone.now(),
            )
        )


_visit: ContextVar[Visit | None] = ContextVar("access_record_visit", default=None)


def enabled() -> bool:
    return getattr(settings, "ACCESS_RECORD", True)


def visit_of(user, path: str = "", source: str = "") -> Visit:
    """The person a row names, as they are now (their name and roles at the time)."""
    if user is None or not user.is_authenticated:
        return Visit(person_id=None, person_name="", roles="", path=path, source=source)
    return Visit(
        person_id=user.pk,
        person_name=f"{user.get_full_name()} <{user.email}>",
        roles=", ".join(sorted(access.roles_of(user))),
        path=path,
        source=source,
    )


def viewed(request, area: str, *students) -> None:
    """Note that this request shows these students' records (students or ``(pk, school_id)``
    pairs) in one area; written after the view, with the others, in one INSERT."""
    visit = _visit.get()
    if visit is None or not enabled():
        return
    match = getattr(request, "resolver_match", None)
    source = match.view_name if match else ""
    for student in students:
        pk, school_id = _ids(student)
        visit.add(school_id=school_id, student_id=pk, action=Action.VIEW, area=area, source=source)


def _ids(student) -> tuple[int, int]:
    if isinstance(student, tuple):
        return student
    return student.pk, student.school_id


def changed(*, by, area: str, student, service: str) -> None:
    """Note that a service changed a student's records, once the transaction commits."""
    if not enabled():
        return
    pk, school_id = _ids(student)
    at = timezone.now()

    def note() -> None:
        visit = _visit.get()
        if visit is not None:
            visit.add(
                school_id=school_id,
                student_id=pk,
                action=Action.CHANGE,
                area=area,
                source=service,
                at=at,
            )
            return
        alone = visit_of(by, source=service)
        alone.add(school_id=school_id, student_id=pk, action=Action.CHANGE, area=area, at=at)
        AccessRecord.objects.bulk_create(alone.rows)

    transaction.on_commit(note, robust=True)


def records_change(area: str, student: Callable[..., object]):
    """Wrap a service so each successful call is noted as a change of a student's records.

    ``student(result, kwargs)`` names the student (or a ``(pk, school_id)`` pair) from what
    the service returned and was given; the person is the service's ``by``.
    """

    def wrap(service):
        name = f"{service.__module__}.{service.__name__}"

        @functools.wraps(service)
        def recorded(*args, **kwargs):
            result = service(*args, **kwargs)
            whom = student(result, kwargs)
            if whom is not None:
                changed(by=kwargs.get("by"), area=area, student=whom, service=name)
            return result

        return recorded

    return wrap


def exported(request, area: str, students) -> None:
    """Record that a download included every student of ``students`` (a queryset of
    students): one INSERT ... SELECT, whatever their number."""
    if not enabled():
        return
    visit = visit_of(request.user, path=request.get_full_path())
    match = getattr(request, "resolver_match", None)
    source = (match.view_name if match else "")[:120]
    inner, params = students.order_by().values_list("pk", "school_id").query.sql_with_params()
    table = connection.ops.quote_name(AccessRecord._meta.db_table)
    columns = "school_id, student_id, person_id, person_name, roles, action, area, source, path, at"
    sql = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 - the names are ours, values are params
        f"SELECT chosen.school_id, chosen.id, %s, %s, %s, %s, %s, %s, %s, %s FROM ({inner}) chosen"
    )
    values = [
        visit.person_id,
        visit.person_name,
        visit.roles,
        Action.EXPORT,
        area,
        source,
        visit.path[:300],
        timezone.now(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])


def write(rows: Iterable[AccessRecord]) -> None:
    rows = list(rows)
    if rows:
        AccessRecord.objects.bulk_create(rows)


class AccessRecordMiddleware:
    """Collect the rows a signed-in person's request notes, and write them in one INSERT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not enabled():
            return self.get_response(request)
        token = _visit.set(visit_of(user, path=request.get_full_path()))
        try:
            response = self.get_response(request)
            write(_visit.get().rows)
            return response
        finally:
            _visit.reset(token)


def purge() -> int:
    """Remove the rows older than each school's retention period; the only delete there is."""
    removed = 0
    now = timezone.now()
    for school in School.objects.only("pk", "access_record_days"):
        cutoff = now - timedelta(days=school.access_record_days)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Lets the append-only trigger allow this one delete, in this transaction.
                    cursor.execute("SET LOCAL bigpicture.purging = 'on'")
            old = AccessRecord.objects.filter(school=school, at__lt=cutoff)
            removed += old._raw_delete(old.db)
    return removed
