"""On PostgreSQL, forbid any two advisory memberships of one student from overlapping.

The partial unique index (one open membership per student) works on every database; this
exclusion constraint also covers closed, historical ranges. SQLite has no such constraint,
so there the model's clean() and the service check it. btree_gist is a trusted extension
(PostgreSQL 13+), so the database owner may create it.
"""

from django.db import migrations

CONSTRAINT = "membership_no_overlapping_dates"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE advisories_membership ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (student_id WITH =, "
        "daterange(start_date, end_date, '[)') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE advisories_membership DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("advisories", "0002_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
