"""Test settings: the app's settings with fast hashing, in-memory mail and eager tasks."""

import os

os.environ.setdefault("BIGPICTURE_ENV", "development")

from bigpicture.settings import *  # noqa: F403
from bigpicture.settings import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/bigpicture-test-media")  # noqa: S108
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.path.join(str(MEDIA_ROOT), "private"), "base_url": None},
    },
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# The cache production runs with: Redis where CACHE_URL names one (CI), local memory otherwise.
# It holds only what a school shares (the current year and term, the overview's counts);
# each test starts with it empty (tests/conftest.py).
# Tests sign network admins in with force_login; those of the second factor turn it on.
SECOND_FACTOR_FOR_NETWORK_ADMINS = False
