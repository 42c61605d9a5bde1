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
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from bigpicture import access
from bigpicture.models import AccessRecord, School

Area = AccessRecord.Area
Action = AccessRecord.Action


COLUMNS = "school_id, student_id, person_id, person_name, roles, action, area, source, path, at"


@dataclass
class Visit:
    """Who is asking, and the rows their request has noted so far (each as the values of its
    own columns: school, student, action, area, source, time)."""

    user: object
    path: str
    source: str = ""
    rows: list[tuple] = field(default_factory=list)

    def add(self, *, school_id, student_id, action, area, source="", at=None) -> None:
        source = (source or self.source)[:120]
        self.rows.append((school_id, student_id, action, area, source, at or timezone.now()))

    def person(self) -> tuple[int | None, str, str]:
        """The person the rows name, as they are now: id, name and email, roles."""
        user = self.user
        if user is None or not user.is_authenticated:
            return None, "", ""
        roles = ", ".join(sorted(access.roles_of(user)))
        return user.pk, f"{user.get_full_name()} <{user.email}>", roles

    def write(self) -> None:
        """Write the rows noted, in one statement."""
        if not self.rows:
            return
        person_id, name, roles = self.person()
        path = self.path[:300]
        values = [
            (school, student, person_id, name, roles, action, area, source, path, at)
            for school, student, action, area, source, at in self.rows
        ]
        self.rows = []
        if connection.vendor != "postgresql":
            AccessRecord.objects.bulk_create(
                AccessRecord(**dict(zip(FIELDS, row, strict=True))) for row in values
            )
            return
        insert = INSERT + ", ".join([ROW] * len(values))
        params = [value for row in values for value in row]
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # inside a transaction (a task's, a test's): join it
                cursor.execute(insert, params)
                return
            # One round trip, outside the request's transaction (it has committed): the
            # INSERT in its own transaction, whose commit does not wait for the disk
            # (``synchronous_commit`` off for this one only). A crash of the database server
            # may lose its last fraction of a second of rows; a crash of the app loses none,
            # and every other write waits for the disk as before.
            try:
                cursor.execute(f"BEGIN; {NO_WAIT}; {insert}; COMMIT", params)
            except DatabaseError:
                cursor.execute("ROLLBACK")  # leave the connection usable for the next request
                raise


TABLE = AccessRecord._meta.db_table
INSERT = f'INSERT INTO "{TABLE}" ({COLUMNS}) VALUES '  # noqa: S608 - the names are ours
ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
NO_WAIT = "SET LOCAL synchronous_commit TO OFF"


FIELDS = tuple(name.strip() for name in COLUMNS.split(","))

_visit: ContextVar[Visit | None] = ContextVar("access_record_visit", default=None)


def enabled() -> bool:
    return getattr(settings, "ACCESS_RECORD", True)


def visit_of(user, path: str = "", source: str = "") -> Visit:
    """A visit by this person (who they are is read when its rows are written)."""
    return Visit(user=user, path=path, source=source)


def viewed(request, area: str, *students) -> None:
    """Note that this request shows these students' records (students or ``(pk, school_id)``
    pairs) in one area; written after the view, with the others, in one INSERT."""
    visit = _visit.get()
    if visit is None or not enabled():
        return
    match = getattr(request, "resolver_match", None)
    source = match.view_name if match else ""
    for student in students:
        if _own(request.user, student):
            continue
        pk, school_id = _ids(student)
        visit.add(school_id=school_id, student_id=pk, action=Action.VIEW, area=area, source=source)


def _own(user, student) -> bool:
    """Whether the person is the student or the student's family: FERPA lets a school leave
    their own views out of the record (changes and exports are always kept)."""
    if getattr(student, "user_id", None) == user.pk:
        return True
    # A person who is family and nothing else reaches only their own children's pages (a
    # student's pages, a meeting, an exhibition), so no guardian link need be read; anyone
    # who also works with students (staff, a mentor) or is a student (a peer on a panel) is
    # recorded, their own child included, which keeps more rather than less.
    return access.roles_of(user) == {access.GUARDIAN}


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
        alone.write()

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


def through(*path: str) -> Callable[..., object]:
    """A ``student`` for :func:`records_change`: the student reached from the service's
    keyword argument along attributes, ``through("item", "plan", "student")``; the objects a
    page hands a service carry their student already, so reading it costs no query."""

    def student(result, kwargs):
        found = kwargs[path[0]]
        for name in path[1:]:
            found = getattr(found, name)
        return found

    return student


def exported(request, area: str, students) -> None:
    """Record that a download included every student of ``students`` (a queryset of
    students): one INSERT ... SELECT, whatever their number."""
    if not enabled():
        return
    person_id, name, roles = visit_of(request.user).person()
    match = getattr(request, "resolver_match", None)
    source = (match.view_name if match else "")[:120]
    # Named columns, so the outer SELECT can read them on every database.
    chosen = students.order_by().annotate(chosen_student=F("pk"), chosen_school=F("school_id"))
    try:
        inner, params = chosen.values_list(
            "chosen_student", "chosen_school"
        ).query.sql_with_params()
    except EmptyResultSet:  # .none() or a filter on an empty list: nobody was exported
        return
    table = connection.ops.quote_name(AccessRecord._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({COLUMNS}) "  # noqa: S608 - the names are ours, values are params
        "SELECT chosen.chosen_school, chosen.chosen_student, "
        f"%s, %s, %s, %s, %s, %s, %s, %s FROM ({inner}) chosen"
    )
    path = request.get_full_path()[:300]
    values = [person_id, name, roles, Action.EXPORT, area, source, path, timezone.now()]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])


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
            _visit.get().write()
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
