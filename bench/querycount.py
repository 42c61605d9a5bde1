"""Print, as JSON, how many queries each main page costs on the configured database."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.pages import main_pages  # noqa: E402


def count_queries() -> dict[str, str]:
    """Queries per page: with every cache empty, then again with the page's fragments and
    the session cached (what most requests cost), as "cold / cached"."""
    counts = {}
    for name, (path, cookie) in main_pages().items():
        client = Client(HTTP_HOST="127.0.0.1")
        for part in (cookie or "").split("; ") if cookie else []:
            key, value = part.split("=", 1)
            client.cookies[key] = value
        client.get(path)  # the first request of a process also loads translations, etc.
        measured = []
        for clear in (True, False):
            if clear:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, f"{name}: {response.status_code}"
            measured.append(len(queries))
        counts[name] = "{} / {}".format(*measured)
    return counts


if __name__ == "__main__":
    print(json.dumps(count_queries()))
