"""The 10 Expectations in English and Spanish (their words: expectations/ten.py)."""

from django.db import migrations

from expectations.ten import rows


def seed(apps, schema_editor):
    Expectation = apps.get_model("expectations", "Expectation")
    for values in rows():
        Expectation.objects.update_or_create(key=values["key"], defaults=values)


def unseed(apps, schema_editor):
    keys = [values["key"] for values in rows()]
    apps.get_model("expectations", "Expectation").objects.filter(key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("expectations", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
