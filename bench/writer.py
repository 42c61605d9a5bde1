"""The writer of the school-day mix: real writes through the real forms, over HTTP.

``python -m bench.writer --server HOST:PORT --seconds S --rate R`` (with the benchmark's
settings and database in the environment, as ``bench/run.py`` starts it; ``--plan-only
FILE`` does step 1 alone and ``--plan FILE`` starts from its plan: bench/run.py plans before
it makes the readers' sessions, which a new password would end):

1. picks a few students with an internship under way (the demo student and others drawn
   at random), their mentors and their advisors (reading the database: which placement,
   which free days, which plan; nothing is written except a password for a mentor who has
   none, below);
2. signs each of them in once through the sign-in form (the page, its CSRF token, the post),
   as a browser does, and keeps the session: no sign-in happens during the run (the
   password hash would cost more than any page, and repeated sign-ins meet the lockout);
3. prints ``ready`` and waits for a line on stdin;
4. for S seconds, makes about R writes a second (a few at a time, each person one at a
   time): a student checks in to an internship day and checks out of it, the mentor confirms
   it, students and advisors record progress on a goal and comment on the plan. Each write
   opens the form (for its CSRF token), posts what the form posts, must be answered with the
   redirect the view makes, and is followed by reading the page that should show it; a write
   whose text is not on that page is a failure, as is any answer other than the expected;
5. prints one JSON line with what it did.

Mentors sign in with one-time links by email; the demo's first mentors also have the demo
password. A chosen mentor without a password is given the demo password first, so that the
writer signs in through the same form as everybody else.
"""

import argparse
import http.client
import itertools
import json
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from collections import deque
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHECK_OUT = re.compile(r"/internships/logs/(\d+)/check-out/")
THREADS = 8  # a write waits for its three requests: enough of them to keep the rate
MENTOR_LOGS = "/internships/mentor/logs/"


class WriteFailed(Exception):
    pass


class Browser:
    """One person's browser: their cookies, one request at a time. A new connection per
    request: gunicorn's sync workers close each one after the answer."""

    def __init__(self, server: str, email: str, password: str):
        self.host, port = server.split(":")
        self.port = int(port)
        self.email, self.password = email, password
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()
        self.requests = 0

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            self.requests += 1
            return response.status, response.getheader("Location", ""), content
        finally:
            connection.close()

    def get(self, path: str, expect_text: str = "") -> str:
        status, location, content = self.request("GET", path)
        if status != 200:
            raise WriteFailed(f"GET {path}: {status} {location}".strip())
        if expect_text and expect_text not in content:
            raise WriteFailed(f"GET {path}: the page does not show {expect_text!r}")
        return content

    def token(self, path: str) -> str:
        found = TOKEN.search(self.get(path))
        if not found:
            raise WriteFailed(f"GET {path}: no CSRF token in the form")
        return found.group(1)

    def post(self, form_path: str, data: dict, redirect_to: str = "") -> str:
        """Open the form, post it, and return where the answer redirects (checked against
        ``redirect_to`` when given)."""
        data = {"csrfmiddlewaretoken": self.token(form_path), **data}
        status, location, content = self.request("POST", form_path, data)
        if status != 302:
            error = re.search(r'class="invalid-feedback"[^>]*>([^<]+)<', content)
            why = f": {error.group(1).strip()}" if error else ""
            raise WriteFailed(f"POST {form_path}: {status}{why}")
        target = urlsplit(location)._replace(scheme="", netloc="").geturl()
        if redirect_to and target != redirect_to:
            raise WriteFailed(f"POST {form_path}: redirected to {target}, not {redirect_to}")
        return target

    def sign_in(self) -> None:
        target = self.post("/accounts/login/", {"username": self.email, "password": self.password})
        if target.startswith("/accounts/"):
            raise WriteFailed(f"sign-in of {self.email} went to {target}")
        self.get(target)


# --- what to write, read from the database ---------------------------------------------------


def plan_writes(students: int, days_back: int = 90) -> dict:
    """Students with an internship under way (the demo student first), their free days (no
    day logged yet, newest first: they show on the first page of the days), mentors,
    advisors and the plan of the current term to write in."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Exists, OuterRef

    from advisories.models import Membership
    from bench.pages import demo_school
    from bigpicture.demo import DEMO_PASSWORD, DOMAIN
    from internships.models import DailyLog, Placement
    from students.models import LearningPlan, PlanItem

    school = demo_school()
    today = school.today()
    placements = (
        Placement.objects.filter(
            student__school=school,
            status=Placement.Status.ACTIVE,
            start_on__lte=today,
            end_on__gte=today - timedelta(days=days_back),
        )
        .filter(
            Exists(Membership.objects.filter(student=OuterRef("student"), end_date=None)),
            Exists(PlanItem.objects.filter(plan__student=OuterRef("student"))),
        )
        .select_related("student__user", "mentor__user")
        .order_by("pk")
    )
    placements = list(placements)
    demo = [p for p in placements if p.student.user.email == f"student@{DOMAIN}"]
    # Other students drawn afresh each run, so that runs on a reused school spread their
    # writes (every comment and note stays on its plan's page) instead of piling them up.
    others = [p for p in placements if p not in demo]
    candidates = demo + random.Random().sample(others, min(len(others), students * 3))
    chosen, password = [], None
    for placement in candidates:
        if len(chosen) == students:
            break
        first = max(placement.start_on, today - timedelta(days=days_back))
        last = min(placement.end_on, today)
        logged = set(DailyLog.objects.filter(placement=placement).values_list("on", flat=True))
        free = [
            last - timedelta(days=n)
            for n in range((last - first).days + 1)
            if last - timedelta(days=n) not in logged
        ]
        if len(free) < 5:
            continue
        student = placement.student
        membership = (
            Membership.objects.filter(student=student, end_date=None)
            .select_related("advisory__advisor")
            .first()
        )
        plan = (
            LearningPlan.objects.filter(student=student, term__start_date__lte=today)
            .filter(Exists(PlanItem.objects.filter(plan=OuterRef("pk"))))
            .order_by("-term__start_date")
            .first()
        )
        mentor = placement.mentor.user
        if not mentor.has_usable_password():  # see the module's docstring
            password = password or make_password(DEMO_PASSWORD)
            mentor.password = password
            mentor.save(update_fields=["password"])
        chosen.append(
            {
                "student": student.user.email,
                "mentor": mentor.email,
                "advisor": membership.advisory.advisor.email,
                "placement": placement.pk,
                "free_days": [day.isoformat() for day in free],
                # The demo student's plan is read by the mix's readers: its comments and
                # progress notes are listed in full, so the writer leaves it as it is.
                "plan": None if placement in demo or plan is None else plan.pk,
                "items": []
                if plan is None
                else list(plan.items.order_by("pk").values_list("pk", flat=True)),
            }
        )
    return {"today": today.isoformat(), "password": DEMO_PASSWORD, "students": chosen}


# --- the writes ------------------------------------------------------------------------------


class Writer:
    KINDS = ("check-in", "progress", "check-out", "comment", "confirm", "progress", "comment")

    def __init__(self, server: str, plan: dict):
        self.plan, self.today = plan, plan["today"]
        password = plan["password"]
        people = {}
        for row in plan["students"]:
            for role in ("student", "mentor", "advisor"):
                people.setdefault(row[role], Browser(server, row[role], password))
        self.browsers = people
        self.rows = plan["students"]
        self.free = {row["placement"]: deque(row["free_days"]) for row in self.rows}
        self.to_check_out: deque = deque()
        self.to_confirm: deque = deque()
        self.lock = threading.Lock()
        self.kinds = itertools.cycle(self.KINDS)
        self.turn = itertools.count()
        self.serial = itertools.count(1)
        self.run = secrets.token_hex(3)
        self.records: list[dict] = []

    def sign_in_everyone(self) -> None:
        for browser in self.browsers.values():
            browser.sign_in()

    def marker(self) -> str:
        return f"bench{self.run}w{next(self.serial)}"

    def next_write(self):
        """The next write and its arguments; a write whose turn comes with nothing to act on
        (no day to check out or confirm yet, no plan to write in) gives way to the one before
        it in the chain, down to a check-in."""
        with self.lock:
            kind = next(self.kinds)
            turn = next(self.turn)
            planned = [row for row in self.rows if row["plan"]]
            if kind in ("progress", "comment") and planned:
                row = planned[turn % len(planned)]
                who = row["student"] if turn % 2 else row["advisor"]  # students and advisors
                return kind, (row, who)
            if kind == "confirm" and self.to_confirm:
                return kind, self.to_confirm.popleft()
            if kind in ("confirm", "check-out") and self.to_check_out:
                return "check-out", self.to_check_out.popleft()
            rows = [row for row in self.rows if self.free[row["placement"]]]
            if not rows:
                raise WriteFailed("no free internship day left: rebuild the school")
            row = rows[turn % len(rows)]
            return "check-in", (row, self.free[row["placement"]].popleft())

    def write(self, kind: str, args) -> None:
        getattr(self, kind.replace("-", "_"))(*args)

    def check_in(self, row: dict, day: str) -> None:
        student, marker = self.browsers[row["student"]], self.marker()
        logs = f"/internships/placements/{row['placement']}/logs/"
        with student.lock:
            student.post(f"{logs}check-in/", {"on": day, "goal": marker}, logs)
            page = student.get(logs, marker)
        after = page[page.index(marker) :]
        found = CHECK_OUT.search(after)
        if not found or "<tr>" in after[: found.start()]:
            raise WriteFailed(f"{logs}: no check-out link on the day just checked in")
        with self.lock:
            self.to_check_out.append((row, int(found.group(1))))

    def check_out(self, row: dict, log: int) -> None:
        student, marker = self.browsers[row["student"]], self.marker()
        logs = f"/internships/placements/{row['placement']}/logs/"
        data = {"did": marker, "reflection": "", "hours": "4", "learning": "4"}
        data.update(engagement="4", support="4")
        with student.lock:
            student.post(f"/internships/logs/{log}/check-out/", data, logs)
            student.get(logs, marker)
        with self.lock:
            self.to_confirm.append((row, log))

    def confirm(self, row: dict, log: int) -> None:
        mentor, marker = self.browsers[row["mentor"]], self.marker()
        data = {"decision": "confirmed", "confirmed_hours": "4", "comment": marker}
        with mentor.lock:
            target = mentor.post(f"/internships/logs/{log}/review/", data, MENTOR_LOGS)
            mentor.get(target)
            mentor.get(f"/internships/placements/{row['placement']}/logs/", marker)

    def progress(self, row: dict, who: str) -> None:
        browser, marker = self.browsers[who], self.marker()
        item = row["items"][next(self.serial) % len(row["items"])]
        data = {"progress": "in_progress", "on": self.today, "note": marker}
        plan = f"/students/plans/{row['plan']}/"
        with browser.lock:
            browser.post(f"/students/plans/items/{item}/progress/", data, plan)
            browser.get(plan, marker)

    def comment(self, row: dict, who: str) -> None:
        browser, marker = self.browsers[who], self.marker()
        plan = f"/students/plans/{row['plan']}/"
        with browser.lock:
            browser.post(f"{plan}comment/", {"body": marker}, plan)
            browser.get(plan, marker)

    def work(self, start: float, seconds: float, rate: float, slots) -> None:
        while True:
            with self.lock:
                slot = next(slots)
            due = start + slot / rate
            if due >= start + seconds:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            began = time.monotonic()
            try:
                kind, args = self.next_write()
            except WriteFailed as failure:
                self.records.append({"kind": "check-in", "ok": False, "why": str(failure)})
                continue
            try:
                self.write(kind, args)
                ok, why = True, ""
            except (WriteFailed, OSError, http.client.HTTPException, ValueError) as failure:
                ok, why = False, f"{kind}: {failure}"
            elapsed = (time.monotonic() - began) * 1000
            self.records.append({"kind": kind, "ok": ok, "why": why, "ms": elapsed})

    def drive(self, seconds: float, rate: float) -> dict:
        start, slots = time.monotonic(), itertools.count()
        threads = [
            threading.Thread(target=self.work, args=(start, seconds, rate, slots))
            for _ in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        kinds = {}
        for kind in sorted({record["kind"] for record in self.records}):
            mine = [r for r in self.records if r["kind"] == kind]
            times = sorted(r["ms"] for r in mine if "ms" in r) or [0.0]
            kinds[kind] = {
                "writes": len(mine),
                "failures": sum(not r["ok"] for r in mine),
                "p50": statistics.median(times),
                "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
            }
        failures = [r["why"] for r in self.records if not r["ok"]]
        return {
            "seconds": elapsed,
            "writes": len(self.records),
            "rate": len(self.records) / elapsed,
            "failures": len(failures),
            "reasons": failures[:10],
            "kinds": kinds,
            "people": len(self.browsers),
            "requests": sum(browser.requests for browser in self.browsers.values()),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1:8765")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=5.0, help="writes a second")
    parser.add_argument("--students", type=int, default=6, help="students who write")
    parser.add_argument("--plan-only", metavar="FILE", help="write the plan to FILE and stop")
    parser.add_argument("--plan", metavar="FILE", help="the plan --plan-only wrote")
    parser.add_argument("--no-wait", action="store_true", help="start without waiting on stdin")
    args = parser.parse_args()

    if args.plan:
        with open(args.plan) as planned:
            plan = json.load(planned)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
        import django

        django.setup()
        plan = plan_writes(args.students)
        if args.plan_only:
            with open(args.plan_only, "w") as planned:
                json.dump(plan, planned)
            return 0
    if not plan["students"]:
        sys.exit("no student with an internship under way and free days to log")
    writer = Writer(args.server, plan)
    writer.sign_in_everyone()
    print("ready", flush=True)
    if not args.no_wait:
        sys.stdin.readline()
    result = writer.drive(args.seconds, args.rate)
    result["students"] = len(plan["students"])
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
