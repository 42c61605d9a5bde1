from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternshipsConfig(AppConfig):
    """Learning through internships ("Leaving to Learn"): sites, mentors, placements."""

    name = "internships"
    verbose_name = _("Internships")

    def ready(self) -> None:
        from internships import reminders  # noqa: F401 - registers this app's reminder rules
