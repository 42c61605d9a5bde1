"""WSGI entry point (gunicorn bigpicture.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")

application = get_wsgi_application()
