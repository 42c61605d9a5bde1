"""Model instances from a prepared read's rows, and prepared reads within a person's reach
(``bigpicture.prepared`` tells the whole story)."""

import inspect
from collections.abc import Callable
from functools import update_wrapper

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DEFERRED

from bigpicture.access import ROLE_FIELDS
from bigpicture.models import User
from bigpicture.prepared.reads import IDS, STAND_INS, no_queries, prepared


def instance(model, columns: tuple, values):
    """A ``model`` instance from a prepared read's row, ``values_list("pk", *columns)``
    (``columns``: attribute names of the model, and ``relation__column`` paths), with its
    related instances as ``select_related`` and ``only`` would make them: each related one
    from its columns and the key that points to it (None for a null key). Fields not read
    are deferred (read on access, as with ``only()``)."""
    own, related = ["pk"], {}
    own_values = [values[0]]
    for name, value in zip(columns, values[1:], strict=True):
        relation, _sep, rest = name.partition("__")
        if rest:
            related.setdefault(relation, ([], []))
            related[relation][0].append(rest)
            related[relation][1].append(value)
        else:
            own.append(name)
            own_values.append(value)
    meta = model._meta
    own[0] = meta.pk.attname
    given = dict(zip(own, own_values, strict=True))
    # in the order of the model's fields, as ``from_db`` takes them (those not read deferred)
    made = model.from_db(
        DEFAULT_DB_ALIAS, own, [given.get(f.attname, DEFERRED) for f in meta.concrete_fields]
    )
    for relation, (names, row) in related.items():
        field = meta.get_field(relation)
        if field.attname not in given:  # reading it on the instance would be a query
            raise ValueError(f"{model.__name__}: read {field.attname} to follow {relation}")
        key = given[field.attname]
        target = None if key is None else instance(field.related_model, tuple(names), [key, *row])
        field.set_cached_value(made, target)
    return made


# What the reach querysets read of a person besides their number and school.
PERSON_FLAGS = ("is_active", "is_superuser", "is_staff", *ROLE_FIELDS.values())
_USER_MARK = 1_876_543_219  # stand-ins for a person's number and school: values no row holds
_SCHOOL_MARK = 1_876_543_227


def _person(kind: tuple, pk: int | None, school: int | None) -> User:
    """A stand-in for a person of this kind (never saved): what the reach querysets read."""
    has_school, *flags = kind
    person = User(pk=pk, school_id=school if has_school else None)
    for name, value in zip(PERSON_FLAGS, flags, strict=True):
        setattr(person, name, value)
    return person


class within_reach:
    """Make ``build(person, *args)``, which builds a ``values_list`` read limited by a
    person's reach (through a reach queryset of ``person``), into prepared reads: called as
    ``read(user, *args)``, it runs the prepared read of ``user``'s kind with their number and
    school. ``args`` are annotated as a prepared read's are. A signed-out person reads
    through the queryset itself (the reach querysets give them nothing)."""

    def __init__(self, build: Callable):
        self.build = build
        update_wrapper(self, build)
        self.parameters = list(inspect.signature(build).parameters.values())[1:]
        self.reads: dict[tuple, tuple] = {}

    def __call__(self, user, *args) -> list:
        if not user.is_authenticated:
            return list(self.build(user, *args))
        read, values = self._read(user)
        return read(*values, *args)

    def page(self, user, *args, offset: int, limit: int) -> list:
        """A page of the rows (as ``prepared.page``)."""
        if not user.is_authenticated:
            return list(self.build(user, *args)[offset : offset + limit])
        read, values = self._read(user)
        return read.page(*values, *args, offset=offset, limit=limit)

    def count(self, user, *args) -> int:
        if not user.is_authenticated:
            return self.build(user, *args).count()
        read, values = self._read(user)
        return read.count(*values, *args)

    def _read(self, user) -> tuple:
        """The prepared read of the person's kind, and their number and school as it takes
        them."""
        kind = (user.school_id is not None, *(bool(getattr(user, f)) for f in PERSON_FLAGS))
        found = self.reads.get(kind)
        if found is None:
            found = self.reads[kind] = self._prepare(kind)
        read, with_user, with_school = found
        person = (user.pk,) if with_user else ()
        school = (user.school_id,) if with_school else ()
        return read, (*person, *school)

    def _prepare(self, kind: tuple) -> tuple:
        """The prepared read for a kind of person, taking their number and school only where
        the reach reads them (a prepared read's arguments must all reach its statement)."""
        with_user, with_school = self._reads_person(kind)
        build = self.build

        def read(*values):
            user = values[0] if with_user else None
            school = values[int(with_user)] if with_school else None
            rest = values[int(with_user) + int(with_school) :]
            return build(_person(kind, user, school), *rest)

        head = [("_reach_person", with_user), ("_reach_school", with_school)]
        read.__signature__ = inspect.Signature(
            [
                *(
                    inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY, annotation=int)
                    for name, used in head
                    if used
                ),
                *(p.replace(kind=inspect.Parameter.POSITIONAL_ONLY) for p in self.parameters),
            ]
        )
        read.__qualname__ = read.__name__ = f"{self.__qualname__}[{kind}]"
        return prepared(read), with_user, with_school

    def _reads_person(self, kind: tuple) -> tuple[bool, bool]:
        """Whether the reach of this kind of person reads their number, and their school."""
        rest = []
        for index, parameter in enumerate(self.parameters, start=2):
            if parameter.annotation == IDS:
                rest.append([STAND_INS[IDS](index)])
            else:
                rest.append(STAND_INS[parameter.annotation](index))
        try:
            with no_queries(connections[DEFAULT_DB_ALIAS], self):
                queryset = self.build(_person(kind, _USER_MARK, _SCHOOL_MARK), *rest)
                _sql, params = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
        except EmptyResultSet:
            return False, False
        return _USER_MARK in params, _SCHOOL_MARK in params
