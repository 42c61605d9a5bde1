"""Print, as JSON, each main page's path and a signed-in session cookie for it."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from bench.pages import main_pages  # noqa: E402

if __name__ == "__main__":
    print(json.dumps(main_pages()))
