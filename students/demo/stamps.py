"""Times the demo's rows claim, written after they are inserted: a column Django fills with
the moment of the insert (``auto_now_add``: when a plan was created, an internship proposed,
a step of its pipeline taken, a day checked in) set to when it happened in the demo's story,
with one UPDATE a batch joined to the values (no statement per row)."""

from django.db import connection

BATCH = 2000  # rows per UPDATE


def restamp(model, field_name: str, pairs) -> int:
    """Set ``field_name`` of the saved rows given as (primary key, value) pairs; return how
    many rows were given."""
    pairs = list(pairs)
    field = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(field.column)
    key = quote(model._meta.pk.column)
    value = "v.column2"  # the columns of VALUES are named column1, column2 in both
    if connection.vendor == "postgresql":  # the values' type, not left to be guessed
        value = f"CAST(v.column2 AS {field.db_type(connection)})"
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH):
            chunk = pairs[start : start + BATCH]
            rows = ", ".join(["(%s, %s)"] * len(chunk))
            params = []
            for pk, when in chunk:
                params += [pk, field.get_db_prep_value(when, connection)]
            cursor.execute(
                f"UPDATE {table} SET {column} = {value} FROM (VALUES {rows}) AS v "  # noqa: S608 - names quoted, values bound
                f"WHERE {table}.{key} = v.column1",
                params,
            )
    return len(pairs)
