"""Seed the Five Learning Goals with their guiding questions (names shown translated)."""

from django.db import migrations

GOALS = [
    ("empirical", "Empirical Reasoning", "How do I prove it?"),
    ("quantitative", "Quantitative Reasoning", "How do I measure, compare or represent it?"),
    ("communication", "Communication", "How do I take in and express ideas?"),
    ("social", "Social Reasoning", "What do other people have to say about this?"),
    ("personal", "Personal Qualities", "What do I bring to this process?"),
]


def seed(apps, schema_editor):
    LearningGoal = apps.get_model("students", "LearningGoal")
    for position, (code, name, question) in enumerate(GOALS, start=1):
        LearningGoal.objects.update_or_create(
            code=code, defaults={"name": name, "question": question, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("students", "LearningGoal").objects.filter(
        code__in=[code for code, _name, _question in GOALS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("students", "0003_learning_plans")]
    operations = [migrations.RunPython(seed, unseed)]
