"""The Five Learning Goals of the Big Picture model: their table (kept beside the
``LearningGoal`` model, whose names it translates) and the seeding of their rows."""

from students.models import FIVE_GOALS, PERSONAL, LearningGoal

__all__ = ["FIVE_GOALS", "PERSONAL", "ensure_learning_goals"]


def ensure_learning_goals() -> None:
    """Make sure the five goals exist (the data migration seeds them; a flushed test
    database or a restored dump may not have them)."""
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
