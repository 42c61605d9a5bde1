"""Benchmark settings: the app as deployed (debug off), plus the benchmark's own pages (the
floor page and the lean reference page, bench/views.py) and their templates."""

from bigpicture.settings import *  # noqa: F403
from bigpicture.settings import BASE_DIR, TEMPLATES

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]},
    *TEMPLATES[1:],
]
