from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisoriesConfig(AppConfig):
    name = "advisories"
    verbose_name = _("Advisories")

    def ready(self) -> None:
        from advisories import reminders  # noqa: F401 - registers this app's reminder rules
