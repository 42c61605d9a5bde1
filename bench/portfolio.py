"""The portfolio (issue 16), in-process on the bench school (PostgreSQL, ``DATABASE_URL``).

``python -m bench.portfolio`` prints one JSON line:
- ``one``: the portfolio PDF of the student with the longest history in the school (most
  terms with a plan), downloaded by their guardian and by their advisor through the app's
  view: query count, wall-clock milliseconds per request (``time.perf_counter()``, the
  database's time and WeasyPrint's included; median, p95 and slowest of ``--requests`` after
  a warm-up), the PDF's size and pages. The issue's target: under 3 s.
- ``advisory``: the whole portfolios batch of the demo advisor's advisory (or the largest
  advisory) as the Celery worker runs it (``services.batch_build``): seconds in all, the
  portfolios made, the zip's size. The issue's target: 15 under 60 s. The job and its zip are
  removed afterwards.
"""

import argparse
import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from advisories.models import Advisory, Membership  # noqa: E402
from bench.measure import client_for, fetch, spread, wall_ms  # noqa: E402
from bench.pages import DOMAIN, demo_school, session_for  # noqa: E402
from bigpicture.models import User  # noqa: E402
from bigpicture.pages import pdf  # noqa: E402
from bigpicture.pages.portfolio import services  # noqa: E402
from students.models import GuardianLink, Student  # noqa: E402


def longest_history(school) -> Student:
    """The current student of the school with the most learning plans (terms of history)."""
    current = Membership.objects.current().values("student_id")
    students = Student.objects.filter(school=school, pk__in=current)
    return students.annotate(terms=Count("plans")).order_by("-terms", "pk").first()


def measure_one(student: Student, requests: int, warmup: int) -> dict:
    path = reverse("portfolio:student", args=[student.pk])
    link = GuardianLink.objects.filter(student=student).select_related("guardian").first()
    advisory = Membership.objects.current().filter(student=student).select_related("advisory")
    readers = {"advisor": advisory.get().advisory.advisor}
    if link is not None:
        readers["guardian"] = link.guardian
    found = {"student": student.pk, "plans": student.plans.count(), "path": path}
    for role, person in readers.items():
        client = client_for(session_for(person))
        for _ in range(warmup):
            fetch(client, path, role)
        with CaptureQueriesContext(connection) as queries:
            content = fetch(client, path, role).content
        pages = len(pdf.HTML(string=_html(student, person)).render().pages)
        found[role] = {
            "queries": len(queries),
            "bytes": len(content),
            "pages": pages,
            **spread(wall_ms(client, path, requests, role)),
        }
    return found


def _html(student: Student, person) -> str:
    student = Student.objects.select_related("user", "school").get(pk=student.pk)
    return services.portfolio_html(
        student=student, viewer=person, paper="letter", language=person.language
    )


def measure_advisory(school) -> dict:
    advisor = User.objects.filter(email=f"advisor@{DOMAIN}").first()
    advisories = Advisory.objects.filter(school=school).with_size().order_by("-size", "pk")
    advisory = advisories.filter(advisor=advisor).first() or advisories.first()
    members = Membership.objects.current().filter(advisory=advisory).values("student_id")
    job = services.batch_start(
        by=advisory.advisor,
        school=school,
        students=Student.objects.visible_to(advisory.advisor).filter(pk__in=members),
        paper="letter",
        language="en",
        label=advisory.name,
    )
    started = time.perf_counter()
    services.batch_build(job)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    found = {
        "advisory": advisory.name,
        "students": job.total,
        "portfolios": job.done,
        "status": job.status,
        "seconds": seconds,
        "seconds_per_portfolio": seconds / max(job.done, 1),
        "zip_bytes": job.size,
    }
    job.file.delete(save=False)
    job.delete()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    if not pdf.AVAILABLE:
        sys.stderr.write("WeasyPrint cannot find Pango: install libpango-1.0-0\n")
        return 1
    school = demo_school()
    measured = {
        "one": measure_one(longest_history(school), args.requests, args.warmup),
        "advisory": measure_advisory(school),
    }
    sys.stdout.write(json.dumps(measured) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
