from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BigPictureConfig(AppConfig):
    name = "bigpicture"
    verbose_name = _("Big Picture school")

    def ready(self) -> None:
        from bigpicture import reminders  # noqa: F401 - registers this app's reminder rules
        from bigpicture.twofactor import signals as _  # noqa: F401 - notes devices at sign-in
