"""Writing many rows fast, for the demo builder: instances made without the generic
constructor's per-field work, inserted with PostgreSQL's COPY (``bulk_create`` in batches on
other databases or for tables COPY cannot take), and deleted one statement per table."""

import io
import json
import uuid
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection, models
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.deletion import get_candidate_relations_to_delete
from django.db.models.fields import NOT_PROVIDED

BATCH = 2000  # rows per bulk_create where COPY is not used


COPY_ROWS = 20_000  # rows sent to PostgreSQL in one COPY
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_PLAIN, _PARENT, _JSON, _PRE_SAVE = range(4)
_MAKERS: dict[type, tuple] = {}


def new(model, **values):
    """A new, unsaved instance, the same as ``model(**values)`` (defaults filled in, a parent
    given as an object remembered with its key), made without the generic constructor's
    signals and per-field lookups: the demo makes well over a million of them."""
    maker = _MAKERS.get(model)
    if maker is None:
        maker = _MAKERS[model] = _maker(model)
    if not maker:  # a model that does more on construction: its own constructor
        return model(**values)
    constants, factories, parents, attnames = maker
    row = model.__new__(model)
    fields = row.__dict__
    fields.update(constants)
    for attname, factory in factories:
        fields[attname] = factory()
    state = row._state = ModelState()
    cache = state.fields_cache = {}
    for name, value in values.items():
        attname = parents.get(name)
        if attname is not None:
            fields[attname] = None if value is None else value.pk
            cache[name] = value
        elif name in attnames:
            fields[attnames[name]] = value
        else:
            raise TypeError(f"{model.__name__} has no field {name!r}.")
    return row


def _maker(model) -> tuple:
    """Per model: the default values, the defaults to call for each row (``dict`` for a
    JSON field), the parents' fields and the columns by field name; nothing for a model with
    a constructor of its own or receivers of the construction signals."""
    if (
        model.__init__ is not models.Model.__init__
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
    ):
        return ()
    constants, factories, parents, attnames = {}, [], {}, {}
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            factories.append((field.attname, field.default))
        else:
            constants[field.attname] = field.get_default()
        attnames[field.name] = attnames[field.attname] = field.attname
        if field.is_relation:
            parents[field.name] = field.attname
    return constants, factories, parents, attnames


def insert_all(model, rows) -> list:
    """Insert new model instances as ``bulk_create`` does (each row's primary key set, its
    parents' keys taken from the parent objects saved before it, ``auto_now`` times filled
    in) and return them. On PostgreSQL, with ``COPY`` and keys taken from the table's
    sequence beforehand: the demo's rows are valid by construction, and preparing a million
    rows value by value through the ORM costs far more than writing them. Elsewhere (SQLite,
    the tests' database), ``bulk_create`` in batches."""
    rows = list(rows)
    if not rows:
        return rows
    if connection.vendor != "postgresql" or not _copyable(model):
        return model.objects.bulk_create(rows, batch_size=BATCH)
    key = model._meta.pk.attname
    new_rows = [row for row in rows if row.__dict__.get(key) is None]
    for row, value in zip(new_rows, _reserve_keys(model, len(new_rows)), strict=True):
        row.__dict__[key] = value
    plan = _copy_plan(model, rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), COPY_ROWS):
            data = _copy_data(rows[start : start + COPY_ROWS], plan).encode()
            if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
                cursor.copy_expert(sql, io.BytesIO(data), 1 << 20)
            else:  # psycopg 3
                with cursor.cursor.copy(sql) as copy:
                    copy.write(data)
    alias = connection.alias
    for row in rows:
        row._state.adding, row._state.db = False, alias
    return rows


def _copyable(model) -> bool:
    """Plain tables only: one table per model, a sequence for the key, every value from
    Python (no database defaults, no generated columns)."""
    opts = model._meta
    return (
        not opts.parents
        and isinstance(opts.pk, models.AutoField)
        and all(
            not getattr(field, "generated", False)
            and getattr(field, "db_default", NOT_PROVIDED) is NOT_PROVIDED
            for field in opts.concrete_fields
        )
    )


def _reserve_keys(model, count: int) -> list[int]:
    """``count`` new keys from the table's own sequence, ascending (rows keep their order)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(key ORDER BY key) FROM (SELECT nextval(pg_get_serial_sequence(%s, "
            "%s)) AS key FROM generate_series(1, %s)) AS keys",
            [quote(model._meta.db_table), model._meta.pk.column, count],
        )
        return cursor.fetchone()[0]


def _copy_plan(model, rows) -> list[tuple]:
    """How to write each column; ``auto_now`` times are filled in here, one instant for the
    whole insert."""
    plan = []
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            now = field.pre_save(rows[0], True)
            for row in rows:
                row.__dict__[field.attname] = now
        if field.is_relation:
            kind = _PARENT
        elif isinstance(field, models.JSONField):
            kind = _JSON
        elif type(field).pre_save is not models.Field.pre_save and not isinstance(
            field, models.DateField
        ):
            kind = _PRE_SAVE  # files: what the field itself does on a save
        else:
            kind = _PLAIN
        # With the texts already written: most values repeat (titles, states, dates).
        plan.append((kind, field, {None: "\\N"}))
    return plan


def _copy_data(rows, plan) -> str:
    """The rows in COPY's text format, written column by column."""
    values_of = [row.__dict__ for row in rows]
    columns = []
    for kind, field, written in plan:
        attname = field.attname
        if kind == _PRE_SAVE:
            values = [field.pre_save(row, True) for row in rows]
        else:
            values = [fields[attname] for fields in values_of]
        if kind == _PARENT:
            for n in [n for n, value in enumerate(values) if value is None]:
                parent = rows[n]._state.fields_cache.get(field.name)
                if parent is not None:  # saved just before: its key is known now
                    if parent.pk is None:
                        raise ValueError(f"{field} names an unsaved {type(parent).__name__}.")
                    values[n] = values_of[n][attname] = parent.pk
        if kind == _JSON:
            texts = {}  # rows may share one value (a plan's snapshot in each of its revisions)
            for value in values:
                if id(value) not in texts:
                    texts[id(value)] = (
                        "\\N"
                        if value is None
                        else json.dumps(value, cls=field.encoder).translate(_COPY_ESCAPES)
                    )
            columns.append([texts[id(value)] for value in values])
            continue
        try:
            columns.append(
                [
                    text
                    if (text := written.get(value)) is not None
                    else _remember(written, value, field)
                    for value in values
                ]
            )
        except TypeError:  # values that cannot be remembered (unhashable)
            columns.append(
                [_copy_text(value, field) if value is not None else "\\N" for value in values]
            )
    return "".join(["\t".join(line) + "\n" for line in zip(*columns, strict=True)])


def _remember(written: dict, value, field) -> str:
    text = written[value] = _copy_text(value, field)
    return text


def _copy_text(value, field) -> str:
    """One value in COPY's text format."""
    kind = type(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime and value.tzinfo is not None:
        return value.isoformat()
    if kind in (date, time, Decimal, uuid.UUID):
        return str(value)
    if kind is float:
        return repr(value)
    if isinstance(value, str):  # choices are strings too
        return str.translate(value, _COPY_ESCAPES)
    if isinstance(value, int):
        return str(int(value))
    prepared = field.get_db_prep_save(value, connection) if field is not None else value
    if prepared is value:
        raise TypeError(f"{field}: cannot write {value!r} with COPY.")
    return "\\N" if prepared is None else _copy_text(prepared, None)


def purge(queryset) -> int:
    """Delete the rows and everything that cascades from them, as ``queryset.delete()`` does,
    but with one statement per related table, which picks its rows with a subquery, instead
    of loading the key of every row to delete first (a rebuilt demo school clears over a
    million). Where Django has more to do than cascade and clear (receivers of the delete
    signals, generic relations, protected or restricted rows that exist, cascades that loop),
    the rows go through ``queryset.delete()`` itself. Returns how many rows were deleted."""
    return _purge(queryset, ())


def _purge(queryset, path: tuple) -> int:
    model = queryset.model
    opts = model._meta
    if (
        model in path
        or opts.private_fields
        or signals.pre_delete.has_listeners(model)
        or signals.post_delete.has_listeners(model)
    ):
        return queryset.delete()[0]
    cascades, clears = [], []
    for relation in get_candidate_relations_to_delete(opts):
        field = relation.field
        on_delete = field.remote_field.on_delete
        if on_delete is models.DO_NOTHING:
            continue
        related = relation.related_model._base_manager.filter(**{f"{field.name}__in": queryset})
        if on_delete is models.CASCADE:
            cascades.append(related)
        elif on_delete is models.SET_NULL:
            clears.append((related, field.name))
        elif related.exists():  # protected, restricted, set to a default: Django's own rules
            return queryset.delete()[0]
    deleted = 0
    for related in cascades:
        deleted += _purge(related, (*path, model))
    for related, name in clears:
        related.update(**{name: None})
    return deleted + queryset._raw_delete(queryset.db)
