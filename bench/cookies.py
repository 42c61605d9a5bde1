"""Print, as JSON, each main page's path and a signed-in session cookie for it, and the
school-day mix (``bench.pages.mix_entries``) with a session for each of its readers."""

import argparse
import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from bench.pages import main_pages, mix_entries  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=8, help="readers of each home page")
    args = parser.parse_args()
    pages = main_pages()
    print(json.dumps({"pages": pages, "mix": mix_entries(pages, args.people)}))
