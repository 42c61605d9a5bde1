"""Print, as JSON, how many queries each main page costs on the configured database."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.pages import main_pages  # noqa: E402


def count_queries() -> dict[str, int]:
    """Queries per page, measured on the second request (the first warms caches)."""
    counts = {}
    for name, (path, cookie) in main_pages().items():
        client = Client(HTTP_HOST="127.0.0.1")
        if cookie:
            key, value = cookie.split("=", 1)
            client.cookies[key] = value
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, f"{name}: {response.status_code}"
        counts[name] = len(queries)
    return counts


if __name__ == "__main__":
    print(json.dumps(count_queries()))
