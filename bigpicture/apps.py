from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BigPictureConfig(AppConfig):
    name = "bigpicture"
    verbose_name = _("Big Picture school")

    def ready(self) -> None:
        # Registering, not dodging a cycle: this app's reminder rules, and its Celery tasks
        # (the outbox queues its deliveries by the task's name, bigpicture.notifications.delivery).
        from bigpicture import reminders, tasks  # noqa: F401
        from bigpicture.twofactor import signals as _  # noqa: F401 - notes devices at sign-in
