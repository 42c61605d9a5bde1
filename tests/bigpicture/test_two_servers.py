"""Two web servers, one school: nothing a request needs lives in one server's memory or disk.

Two gunicorn servers, each with two worker processes and a disk of its own, serve the same
committed test database through a PgBouncer in transaction mode (tests/pooler.py, with the
settings of deploy/pgbouncer.ini), share one Redis as the cache and one S3-compatible
bucket (moto's server over HTTP, tests/storage.py) for files, as a network deployment runs
them (docs/production.md). A client signs in on one and goes on on the other:

- the session made on A is read on B;
- evidence uploaded on A is downloaded on B, byte for byte (B's disk has never seen it);
- the school's upload limit refuses the same file on both;
- three wrong passwords on A lock the account out at that address on B too;
- the limit on sign-in link emails counts posts to both servers together;
- a mentor's one-time link used on A is used up on B;
- PgBouncer restarted under both servers: the next request on each succeeds.

Needs PostgreSQL, Redis and PgBouncer (the S3-compatible server comes with the test
dependencies): outside CI the test skips without them; in CI a missing one fails.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from internships.models import SignInLink
from students.models import Evidence
from students.services import plans as services
from tests import factories, storage, workers
from tests.pooler import PgBouncer, free_port, pgbouncer_binary

pytestmark = [pytest.mark.postgres, pytest.mark.real_clock]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS_DB = 10  # used by nothing else: emptied before and after
PDF = b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 2000 + b"%%EOF\n"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """A browser's part: cookies kept by hand (the servers are told apart by port only, and
    a cookie is the same on both), redirects not followed, the CSRF token read off forms."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, server: str, path: str, data=None, *, files=None):
        headers = {}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if files is not None:
            body = encode_multipart(BOUNDARY, {**(data or {}), **files})
            headers["Content-Type"] = MULTIPART_CONTENT
        elif data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # Our own servers on 127.0.0.1, over http.
        request = urllib.request.Request(server + path, data=body, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as answer:
            response = answer
        with response:
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, content

    def form_post(self, server: str, path: str, data: dict, *, files=None):
        """GET the form (for its CSRF token), then POST it."""
        status, _headers, page = self.request(server, path)
        assert status == 200, (path, status)
        token = CSRF_FIELD.search(page.decode()).group(1)
        return self.request(server, path, {"csrfmiddlewaretoken": token, **data}, files=files)

    def sign_in(self, server: str, email: str, password: str):
        return self.form_post(server, reverse("login"), {"username": email, "password": password})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Upload:
    """A file for encode_multipart: a name and the bytes."""

    def __init__(self, name: str, content: bytes):
        self.name = name
        self.content = content

    def read(self) -> bytes:
        return self.content


class Servers:
    """Gunicorn servers sharing the database (through the pooler), Redis and the bucket."""

    def __init__(self, env: dict, logs: Path):
        self.env = env
        self.logs = logs
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str) -> str:
        port = free_port()
        disk = self.logs / f"{name}-disk"
        disk.mkdir()
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(GUNICORN),
                "bigpicture.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--no-control-socket",  # its default path is one per machine user
            ],
            cwd=ROOT,
            env={**self.env, "MEDIA_ROOT": str(disk)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        server = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                login = server + reverse("login")
                with urllib.request.urlopen(login, timeout=5) as answer:  # noqa: S310 - ours
                    if answer.status == 200:
                        return server
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn {name} did not start:\n{self.tail()}")
            time.sleep(0.2)

    def tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted(self.logs.glob("*.log"))
        )

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def shared_cache():
    url = workers.redis_url(REDIS_DB)
    client = workers.redis_or_skip(url)
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def pooler():
    if pgbouncer_binary() is None:
        workers.unavailable("needs PgBouncer (apt install pgbouncer)")
    db = connection.settings_dict
    with PgBouncer(db["HOST"], db["PORT"]) as bouncer:
        yield bouncer


@pytest.fixture
def servers(transactional_db, shared_cache, pooler, s3_endpoint, tmp_path):
    db = connection.settings_dict
    bucket = storage.make_bucket(s3_endpoint)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "EMAIL_", "CACHE_", "FILES_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bigpicture.settings",
        BIGPICTURE_ENV="development",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),  # one key: either server reads the cookie
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://{db['USER'] or 'postgres'}@127.0.0.1:{pooler.port}/{db['NAME']}",
        DATABASE_POOLED="true",
        CACHE_URL=shared_cache,
        **storage.bucket_env(s3_endpoint, bucket),
        AXES_FAILURE_LIMIT="3",
        PASSWORD_RESET_RATE="2/h",
        LOG_LEVEL="WARNING",
    )
    running = Servers(env, tmp_path)
    try:
        yield running, running.start("a"), running.start("b")
    except BaseException:
        print(running.tail())
        raise
    finally:
        running.stop()
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture
def school(transactional_db):
    """A student with a plan item to add evidence to, an advisor and a mentor (committed)."""
    world = {}
    world["school"] = school = factories.SchoolFactory(evidence_limit_mb=1)
    # A year and a term that hold whatever day the test runs on.
    long = {"start_date": date(2020, 8, 1), "end_date": date(2040, 6, 30)}
    year = factories.SchoolYearFactory(school=school, **long)
    term = factories.TermFactory(school_year=year, **long)
    advisory = factories.AdvisoryFactory(school=school)
    world["advisor"] = advisory.advisor
    student = factories.StudentFactory(school=school)
    factories.MembershipFactory(advisory=advisory, student=student, start_date=long["start_date"])
    plan = services.plan_start(student=student, term=term, by=student.user)
    world["item"] = services.item_add(
        plan=plan, by=student.user, title="Film the exhibition", is_personal=True
    )
    world["student"] = student
    world["mentor"] = factories.MentorFactory(school=school)
    # The servers run the app's settings, whose password hashers are the real ones (the
    # suite's fast hasher is not among them).
    for person in (student.user, advisory.advisor):
        hasher = PBKDF2PasswordHasher()
        person.password = hasher.encode(factories.PASSWORD, hasher.salt())
        person.save(update_fields=["password"])
    return world


def test_two_servers_share_sessions_files_lockouts_limits_and_links(servers, school, pooler):
    running, a, b = servers
    student = school["student"].user
    item = school["item"]

    # Signed in on A, known on B.
    browser = Client()
    status, headers, _ = browser.sign_in(a, student.email, factories.PASSWORD)
    assert status == 302, running.tail()
    status, _, page = browser.request(b, reverse("bigpicture:home"))
    assert status == 200 and student.first_name in page.decode()

    # Uploaded on A, into the bucket; downloaded on B.
    upload_url = reverse("students:evidence-create", args=[item.pk])
    status, _, _ = browser.form_post(
        a, upload_url, {"title": "Script", "url": ""}, files={"file": Upload("script.pdf", PDF)}
    )
    assert status == 302, running.tail()
    evidence = Evidence.objects.get(item=item)
    assert not any((running.logs / "a-disk").rglob("*.pdf")), "the file went to A's disk"
    status, headers, content = browser.request(
        b, reverse("students:evidence-file", args=[evidence.pk])
    )
    assert status == 200 and content == PDF
    assert headers["Content-Disposition"].startswith("attachment")

    # The school's limit (1 MB) refuses a larger file on B as on A, and stores nothing.
    too_big = Upload("big.pdf", PDF[:9] + bytes(1_200_000))
    for server in (a, b):
        status, _, page = browser.form_post(
            server, upload_url, {"title": "Too big", "url": ""}, files={"file": too_big}
        )
        assert status == 200 and "the largest your school accepts is 1" in page.decode()
    assert Evidence.objects.filter(item=item).count() == 1

    # Three wrong passwords on A: locked out on B, even with the right one.
    intruder = Client()
    advisor = school["advisor"]
    for _ in range(3):
        status, _, _ = intruder.sign_in(a, advisor.email, "not the password")
        assert status in {200, 429}
    status, _, page = intruder.sign_in(b, advisor.email, factories.PASSWORD)
    assert status == 429, page.decode()[:500]

    # Sign-in link emails: two an hour from one address, counted across both servers.
    asker = Client()
    sign_in = reverse("internships:portal-sign-in")
    statuses = [
        asker.form_post(server, sign_in, {"email": school["mentor"].email})[0]
        for server in (a, b, b)
    ]
    assert 429 not in statuses[:2] and statuses[2] == 429

    # A one-time link: used on A, used up on B.
    token, _link = SignInLink.objects.issue(user=school["mentor"])
    link = reverse("internships:portal-link", args=[token])
    assert Client().form_post(a, link, {})[0] == 302
    other = Client()
    assert other.request(b, link)[0] == 410  # its page says it is used
    status, _, page = other.request(b, reverse("login"))
    token_field = CSRF_FIELD.search(page.decode()).group(1)
    assert other.request(b, link, {"csrfmiddlewaretoken": token_field})[0] == 410

    # PgBouncer restarted under both servers: every server connection is gone; the next
    # request on each server succeeds (a dead connection is noticed and opened anew).
    pooler.restart()
    for server in (a, b, a, b):
        status, _, page = browser.request(server, reverse("bigpicture:home"))
        assert status == 200, page.decode()[:500]
