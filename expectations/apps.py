from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpectationsConfig(AppConfig):
    """The 10 Expectations students have of their schools, and reflections on them."""

    name = "expectations"
    verbose_name = _("The 10 Expectations")

    def ready(self) -> None:
        from expectations import reminders  # noqa: F401 - registers this app's reminder rules
