"""The Celery app: Redis as the broker when CELERY_BROKER_URL is set, in-process otherwise."""

import os

from celery import Celery

# Connects the signals that carry a request's id into the tasks it publishes.
import bigpicture.logs  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")

app = Celery("bigpicture")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["bigpicture.pages.portfolio"])
