"""Prepared reads: a queryset's SQL compiled once per process and shape, run with new
values at every call (``bigpicture.prepared`` tells the whole story)."""

import inspect
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import update_wrapper

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import FlatValuesListIterable, ValuesListIterable
from django.utils import timezone

IDS = list[int]
# Stand-ins for the arguments while compiling (argument ``index``, element ``item`` of a
# list); they are never sent to the database, only told apart among the parameters. An int
# is one every integer column holds (the ORM drops a condition on a value out of its
# column's range, a small integer column's 32,767); a list's ints (``__in``, which keeps
# every value) are told apart from the rest by their size.
STAND_INS = {
    int: lambda index, item=0: 32_749 - index * 7,
    # with the characters a LIKE escapes: a lookup that rewrites its value (``iexact`` on
    # SQLite, ``contains``) then leaves it unmatched, and the read is refused
    str: lambda index, item=0: (
        f"\N{LEFT ANGLE BRACKET}prepared_argument%{index}\\\N{RIGHT ANGLE BRACKET}"
    ),
    date: lambda index, item=0: date(1111, 1, 1) + timedelta(days=index),
    datetime: lambda index, item=0: datetime(1111, 1, 1, tzinfo=UTC) + timedelta(minutes=index),
    IDS: lambda index, item=0: 1_987_654_321 - index * 100_000 - item,
}
KINDS = tuple(STAND_INS)
# The values a statement takes as they are: beyond them (None, for which the ORM writes
# ``IS NULL``; an integer beyond 64 bits, which the ORM reads as out of range), the read
# runs through the ORM as built.
BIGGEST = 2**63 - 1
# At most this many statements of a read (one per length of its lists) are kept.
SHAPES_KEPT = 64
# A zone far from any school's, to find SQL that depends on the active one.
FAR_ZONE = "Pacific/Kiritimati"


class Statement:
    """One compiled read: its SQL, its parameters with the arguments' places, and the
    compiler that converts its rows (none: the read can hold no row, as for an empty
    ``__in``)."""

    def __init__(self, compiler=None, sql="", params=(), slots=(), flat=False, sliced=False):
        self.compiler, self.sql, self.params = compiler, sql, params
        self.slots, self.flat, self.sliced = slots, flat, sliced

    def _params(self, args: tuple) -> list:
        params = list(self.params)
        for position, index, item, adapt in self.slots:
            params[position] = adapt(args[index] if item is None else args[index][item])
        return params

    def run(self, connection, args: tuple, offset: int = 0, limit: int | None = None) -> list:
        """The rows; from ``offset``, at most ``limit`` of them when given (a page)."""
        compiler = self.compiler
        if compiler is None:
            return []
        sql, params = self.sql, self._params(args)
        if limit is not None:
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        rows = compiler.results_iter([rows], tuple_expected=True)
        return [row[0] for row in rows] if self.flat else list(rows)

    def count(self, connection, args: tuple) -> int:
        if self.compiler is None:
            return 0
        with connection.cursor() as cursor:
            # the ORM's own SQL, its values as parameters
            counted = f"SELECT COUNT(*) FROM ({self.sql}) prepared_rows"  # noqa: S608
            cursor.execute(counted, self._params(args))
            return cursor.fetchone()[0]


class Rows:
    """A prepared read's rows for a paginator: ``count()`` and a page by slicing (and every
    row by iterating), each one statement (``LIMIT``/``OFFSET`` and ``COUNT(*)`` around the
    read's SQL, with its values as parameters), for ``read`` called with ``args``."""

    def __init__(self, read, *args):
        self.read, self.args = read, args

    def count(self) -> int:
        return self.read.count(*self.args)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        """Every row (one statement)."""
        return iter(self.read(*self.args))

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step is not None or (index.start or 0) < 0:
            raise TypeError("rows of a prepared read are taken a page at a time")
        offset = index.start or 0
        if index.stop is None:
            raise TypeError("a page of a prepared read has an end")
        return self.read.page(*self.args, offset=offset, limit=max(index.stop - offset, 0))


class prepared:
    """Make a function that builds a ``values_list`` queryset into a prepared read (see the
    module's text)."""

    def __init__(self, build: Callable):
        update_wrapper(self, build)
        self.build = build
        self.kinds = []
        for parameter in inspect.signature(build).parameters.values():
            if parameter.annotation not in KINDS:
                raise TypeError(
                    f"{build.__qualname__}: argument {parameter.name!r} must be annotated "
                    "as int, str, date, datetime or list[int]"
                )
            self.kinds.append(IDS if parameter.annotation == IDS else parameter.annotation)
        # per length of the lists; compiled once per process, run on each thread's own
        # connection (the compiler only converts rows, as it would for any connection)
        self.statements: dict[tuple, Statement] = {}
        self.lock = threading.Lock()

    def __call__(self, *args) -> list:
        statement, args = self._statement(args)
        if statement is None:
            return list(self.build(*args))
        return statement.run(connections[DEFAULT_DB_ALIAS], args)

    def page(self, *args, offset: int, limit: int) -> list:
        """At most ``limit`` rows from ``offset``: a page, the read's values and the page's
        bounds as the statement's parameters."""
        statement, args = self._statement(args)
        if statement is None:
            return list(self.build(*args)[offset : offset + limit])
        if statement.sliced:
            raise TypeError(f"{self.__qualname__}: a sliced read is not paged")
        return statement.run(connections[DEFAULT_DB_ALIAS], args, offset, limit)

    def count(self, *args) -> int:
        """How many rows the read gives (its SQL counted in the database)."""
        statement, args = self._statement(args)
        if statement is None:
            return self.build(*args).count()
        return statement.count(connections[DEFAULT_DB_ALIAS], args)

    def _statement(self, args: tuple) -> tuple:
        """The statement for these arguments (None: read them through the ORM, see
        ``BIGGEST``), and the arguments as it takes them."""
        if len(args) != len(self.kinds):
            raise TypeError(f"{self.__qualname__} takes {len(self.kinds)} arguments")
        taken, shape = [], []
        for arg, kind in zip(args, self.kinds, strict=True):
            if kind == IDS:
                # as ``__in`` takes a list: each value once, in order, without None
                arg = [value for value in dict.fromkeys(arg) if value is not None]
                if any(abs(value) > BIGGEST for value in arg):
                    return None, args
                shape.append(len(arg))
            elif arg is None or (kind is int and abs(arg) > BIGGEST):
                return None, args
            taken.append(arg)
        shape = tuple(shape)
        statement = self.statements.get(shape)
        if statement is None:
            with self.lock:
                statement = self.compile(connections[DEFAULT_DB_ALIAS], shape)
                if len(self.statements) < SHAPES_KEPT:
                    self.statements[shape] = statement
        return statement, tuple(taken)

    def queryset(self, *args):
        """The queryset itself, as the ORM would run it (for tests and for reading)."""
        return self.build(*args)

    def compile(self, connection, shape: tuple = ()) -> Statement:
        """Compile the read for lists of these lengths, and find each argument's places."""
        stand_ins = self._stand_ins(shape)
        try:
            with no_queries(connection, self), timezone.override(FAR_ZONE):
                far = self._compiled(stand_ins)[1:3]
            with no_queries(connection, self), timezone.override(UTC):
                compiler, sql, params, flat = self._compiled(stand_ins)
        except EmptyResultSet:  # nothing to read: ``none()``, an empty list
            return Statement()
        if (sql, params) != far:
            raise TypeError(f"{self.__qualname__}: its SQL depends on the active time zone")
        ops = connection.ops
        # How the ORM may have turned each kind of argument into a parameter: as it is, or
        # adapted for the database (SQLite takes dates and times as text).
        adapters = {
            int: (_as_is,),
            str: (_as_is,),
            IDS: (_as_is,),
            date: (_as_is, ops.adapt_datefield_value),
            datetime: (_as_is, ops.adapt_datetimefield_value, ops.adapt_datefield_value),
        }
        values = [  # (argument, element of a list or None, stand-in, kind)
            (index, item, value, kind)
            for index, (stand_in, kind) in enumerate(zip(stand_ins, self.kinds, strict=True))
            for item, value in (enumerate(stand_in) if kind == IDS else [(None, stand_in)])
        ]
        slots, reached = [], set()
        for position, param in enumerate(params):
            for index, item, value, kind in values:
                adapt = next((a for a in adapters[kind] if _same(a(value), param)), None)
                if adapt is not None:
                    slots.append((position, index, item, adapt))
                    reached.add((index, item))
                    break
        for index, item, value, _kind in values:
            if str(value) in sql:
                raise TypeError(f"{self.__qualname__}: an argument is written into the SQL")
            if (index, item) not in reached:
                raise TypeError(
                    f"{self.__qualname__}: argument {index} does not reach the statement's "
                    "parameters (a prepared read's shape must not depend on its arguments)"
                )
        sliced = compiler.query.is_sliced
        return Statement(compiler, sql, tuple(params), slots, flat, sliced)

    def _stand_ins(self, shape: tuple) -> list:
        lengths = iter(shape)
        return [
            [STAND_INS[IDS](index, item) for item in range(next(lengths))]
            if kind == IDS
            else STAND_INS[kind](index)
            for index, kind in enumerate(self.kinds)
        ]

    def _compiled(self, stand_ins: list) -> tuple:
        queryset = self.build(*stand_ins)
        if queryset.db != DEFAULT_DB_ALIAS:
            raise TypeError(f"{self.__qualname__}: prepared reads use the default database")
        if queryset._iterable_class not in (ValuesListIterable, FlatValuesListIterable):
            raise TypeError(f"{self.__qualname__}: a prepared read ends with values_list()")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        return compiler, sql, tuple(params), queryset._iterable_class is FlatValuesListIterable


@contextmanager
def no_queries(connection, read):
    """Refuse a read whose building queries the database: what it read would be frozen
    into the statement (a list of ids evaluated while building, a person's profile)."""

    def refuse(execute, sql, params, many, context):
        raise TypeError(f"{read.__qualname__}: building it ran a query, which would be kept")

    with connection.execute_wrapper(refuse):
        yield


def _as_is(value):
    return value


def _same(value, param) -> bool:
    return type(value) is type(param) and value == param
