"""The Five Learning Goals of the Big Picture model, with their guiding questions.

The data migration seeds ``LearningGoal`` rows from this table; pages show the names and
questions from here, in the reader's language.
"""

from django.utils.translation import gettext_lazy as _

FIVE_GOALS = {
    "empirical": (_("Empirical Reasoning"), _("How do I prove it?")),
    "quantitative": (
        _("Quantitative Reasoning"),
        _("How do I measure, compare or represent it?"),
    ),
    "communication": (_("Communication"), _("How do I take in and express ideas?")),
    "social": (_("Social Reasoning"), _("What do other people have to say about this?")),
    "personal": (_("Personal Qualities"), _("What do I bring to this process?")),
}
PERSONAL = "personal-goals"  # narratives' section for the student's own, personal goals


def ensure_learning_goals() -> None:
    """Make sure the five goals exist (the data migration seeds them; a flushed test
    database or a restored dump may not have them)."""
    from students.models import LearningGoal

    names = {
        "empirical": ("Empirical Reasoning", "How do I prove it?"),
        "quantitative": ("Quantitative Reasoning", "How do I measure, compare or represent it?"),
        "communication": ("Communication", "How do I take in and express ideas?"),
        "social": ("Social Reasoning", "What do other people have to say about this?"),
        "personal": ("Personal Qualities", "What do I bring to this process?"),
    }
    for position, (code, (name, question)) in enumerate(names.items(), start=1):
        LearningGoal.objects.get_or_create(
            code=code, defaults={"name": name, "question": question, "position": position}
        )
