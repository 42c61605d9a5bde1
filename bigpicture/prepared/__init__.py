"""Reads whose SQL the ORM compiles once per process, run afresh on every call.

Building a queryset and compiling it to SQL is most of what a small read costs: the six
reads of the learning plan page took 5.1 ms of ORM work per request for 0.4 ms of running
the same six statements (bench/profile.py, the 5,000-student school). A prepared read is a
function that builds a ``values_list`` queryset from its arguments; the first call compiles
it with stand-in values and notes where each argument lands among the statement's
parameters, and every later call runs that statement with the new values and converts the
rows exactly as the queryset would. Like a database's prepared statement, on the app's side:
nothing read is kept, every call reads the database.

    @prepared
    def titles_of(plan: int):
        return PlanItem.objects.filter(plan_id=plan).values_list("pk", "title")

    titles_of(plan.pk)  # [(1, "Build a bike"), ...], a list as ``list(queryset)`` gives

What a prepared read may do, checked when it is compiled:

- Its arguments are values compared with columns: each annotated ``int``, ``str``, ``date``
  or ``datetime``, or ``list[int]`` for an ``__in`` of ids (compiled once per length of the
  list, as each length is another statement; an empty list reads nothing, as the ORM does).
- Its shape never depends on the arguments (no ``if`` on them): each argument must reach
  the statement's parameters, which is checked; so must its value as given (a lookup that
  rewrites it, as ``contains`` does, is refused).
- Its building runs no query (what it read would be kept in the statement), and its SQL
  does not depend on the active time zone (no ``__date`` lookup or ``Trunc`` of a
  datetime: it is compiled under two zones and refused if they differ).
- It reads with ``values_list`` (``flat`` too), on the default database.

A value the statement cannot take as it is (None, which the ORM reads as ``IS NULL``; an
integer beyond 64 bits, which it reads as out of range) is read through the ORM as built.

``instance(model, columns, row)`` makes a model instance of a row, with its related
instances, the columns not read deferred (as ``select_related`` and ``only()`` would), for
pages that need a model's methods.

A person's reach makes a read's shape depend on who reads (an admin reaches the school, an
advisor their advisories, a mentor their interns): ``within_reach`` keeps one prepared read
per kind of person (the flags the reach querysets branch on: active, superuser, staff, each
role, with a school or not), each built by the app's own reach queryset (``Placement.objects
.visible_to`` ...) for a stand-in person of that kind whose number and school are the read's
arguments. So the reach filter is the queryset's, compiled once per kind of person.

Query counting (``CaptureQueriesContext``, ``assertNumQueries``) sees each call as the one
query it is.
"""

from bigpicture.prepared.reach import instance, within_reach
from bigpicture.prepared.reads import Rows, prepared

__all__ = ["Rows", "instance", "prepared", "within_reach"]
