"""Logs a team can run on: one JSON line per request with ids and no personal data, a request
id on every line (the X-Request-ID header too), carried into the Celery tasks it started."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

from bigpicture import logs
from bigpicture.tasks import sweep_outbox
from tests import factories, workers

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
REDIS_DB = 12  # reserved for these tests: purged before and after
NEW_ID = re.compile(r"[0-9a-f]{32}")
FIELDS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "user_id",
    "school_id",
}


class JsonLines:
    """What the JSON handler wrote during a test, one parsed object per line."""

    def __init__(self, stream: io.StringIO):
        self.stream = stream

    def raw(self) -> str:
        return self.stream.getvalue()

    def all(self) -> list[dict]:
        return [json.loads(line) for line in self.raw().splitlines()]

    def requests(self) -> list[dict]:
        return [line for line in self.all() if line["logger"] == "bigpicture.requests"]


@pytest.fixture
def json_logs():
    """The handler LOG_FORMAT=json configures (our formatter and filter), on a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    root, requests_log = logging.getLogger(), logging.getLogger("bigpicture.requests")
    level = requests_log.level
    root.addHandler(handler)
    requests_log.setLevel(logging.INFO)
    try:
        yield JsonLines(stream)
    finally:
        root.removeHandler(handler)
        requests_log.setLevel(level)


def test_a_signed_in_request_is_one_line_of_ids(client, world, json_logs):
    """Signed in with the form (a known email and name): the line has the route's name, the
    ids of the person and school, and neither the email, the name, the path nor the query."""
    admin = world.admin
    signed_in = client.post(
        reverse("login"), {"username": admin.email, "password": factories.PASSWORD}
    )
    assert signed_in.status_code == 302
    url = reverse("students:student-detail", kwargs={"pk": world.student.pk})
    response = client.get(f"{url}?token=secret-token-4711&email={admin.email}")
    assert response.status_code == 200

    login_line, page_line = json_logs.requests()
    assert set(page_line) == FIELDS
    assert page_line["route"] == "students:student-detail"
    assert page_line["method"] == "GET"
    assert page_line["status"] == 200
    assert page_line["level"] == "INFO"
    assert page_line["request_id"] == response["X-Request-ID"]
    assert NEW_ID.fullmatch(page_line["request_id"])
    assert (page_line["user_id"], page_line["school_id"]) == (admin.pk, world.school.pk)
    assert isinstance(page_line["duration_ms"], float) and page_line["duration_ms"] > 0
    moment = datetime.fromisoformat(page_line["time"])
    assert moment.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 60
    assert login_line["route"] == "login"
    assert (login_line["method"], login_line["status"]) == ("POST", 302)
    raw = json_logs.raw()
    for secret in (
        admin.email,
        admin.first_name,
        admin.last_name,
        factories.PASSWORD,
        "secret-token-4711",
        url,
        "sessionid",
    ):
        assert secret not in raw, f"{secret!r} is in the logs"


def test_an_incoming_request_id_is_kept_and_sent_back(client, db, json_logs):
    given = "lb-7f3a.9_Z"
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] == given
    assert json_logs.requests()[0]["request_id"] == given


@pytest.mark.parametrize(
    "bad",
    ["has spaces", "x" * 65, "a/b", 'quote"d', "line\nbreak", "ünï", "{json}", ""],
)
def test_an_id_that_is_not_a_sane_token_is_replaced(client, db, json_logs, bad):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=bad)
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert json_logs.requests()[0]["request_id"] == response["X-Request-ID"]


def test_the_id_is_sent_back_with_plain_logs_too(client, db):
    assert logging.getLogger("bigpicture.requests").level == logging.WARNING  # tests: plain
    first, second = client.get(reverse("login")), client.get(reverse("login"))
    assert NEW_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_path_that_matches_no_route_is_unresolved(client, world, json_logs):
    client.force_login(world.advisor)
    response = client.get("/students/98765/no-such-page/?token=secret-token-4711")
    assert response.status_code == 404
    line = json_logs.requests()[0]
    assert (line["route"], line["status"]) == ("unresolved", 404)
    assert line["user_id"] == world.advisor.pk
    assert "98765" not in json.dumps(line) and "secret-token-4711" not in json_logs.raw()


def test_a_row_out_of_reach_keeps_its_route_name(client, world, json_logs):
    client.force_login(world.advisor)
    url = reverse("students:student-detail", kwargs={"pk": world.other_student.pk})
    assert client.get(url).status_code == 404
    line = json_logs.requests()[0]
    assert (line["route"], line["status"]) == ("students:student-detail", 404)


def test_djangos_own_lines_after_the_view_carry_the_id(client, db, json_logs):
    """Django logs a 404 after the middleware has returned: the id holds until the response
    is closed, and then no longer."""
    response = client.get("/no-such-page/")
    not_found = [line for line in json_logs.all() if line["logger"] == "django.request"]
    assert not_found and not_found[0]["request_id"] == response["X-Request-ID"]
    assert logs.request_id.get() is None


def test_the_filter_writes_the_id_on_another_loggers_lines(db, json_logs):
    """Any app's logger, during a request: its line carries the request's id."""
    app_log = logging.getLogger("students.services.evidence")

    def view(request):
        app_log.warning("stored %s", "a file")
        return HttpResponse()

    middleware = logs.RequestIdMiddleware(view)
    response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="from-the-balancer"))
    line = next(line for line in json_logs.all() if line["logger"] == app_log.name)
    assert (line["message"], line["level"]) == ("stored a file", "WARNING")
    assert line["request_id"] == response["X-Request-ID"] == "from-the-balancer"
    response.close()  # the server has sent it
    app_log.warning("after")
    assert json_logs.all()[-1]["request_id"] is None


def test_a_task_published_during_a_request_carries_its_id():
    headers = {}
    logs.carry_request_id(headers=headers)
    assert headers == {}, "no request, no id"
    token = logs.request_id.set("req-9")
    try:
        logs.carry_request_id(headers=headers)
    finally:
        logs.request_id.reset(token)
    assert headers == {logs.TASK_HEADER: "req-9"}


def test_a_task_run_in_process_keeps_the_requests_id(monkeypatch):
    """The demo runs tasks eagerly, inside the request: their lines keep its id."""
    seen = []
    monkeypatch.setattr(
        "bigpicture.tasks.notifications.sweep", lambda: seen.append(logs.request_id.get()) or 0
    )
    token = logs.request_id.set("req-eager")
    try:
        sweep_outbox.apply()
        assert logs.request_id.get() == "req-eager"
    finally:
        logs.request_id.reset(token)
    assert seen == ["req-eager"]


# The settings: LOG_FORMAT switches the lines, in a process of their own.

PROBE = (
    "import django; django.setup(); import logging; from django.test import Client; "
    "r = Client(HTTP_HOST='127.0.0.1').get('/no-such-page/', HTTP_X_REQUEST_ID='probe-1'); "
    "logging.getLogger('students').warning('an app line'); print('done', r.status_code)"
)


def _run(**env) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "LOG_", "CACHE_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="bigpicture.settings", DJANGO_DEBUG="false", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter with a fixed probe
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_log_format_json_writes_json_lines_on_stdout():
    result = _run(LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    *lines, done = result.stdout.strip().splitlines()
    assert done == "done 404"
    parsed = [json.loads(line) for line in lines]
    by_logger = {line["logger"]: line for line in parsed}
    assert by_logger["bigpicture.requests"]["route"] == "unresolved"
    assert by_logger["bigpicture.requests"]["request_id"] == "probe-1"
    assert "django.request" not in by_logger, "the 404 is in the request's line, path-free"
    assert "/no-such-page/" not in result.stdout
    assert by_logger["students"]["request_id"] is None
    assert "{" not in result.stderr


def test_the_demo_keeps_plain_lines_and_no_request_line():
    result = _run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done 404"
    assert "Not Found: /no-such-page/" in result.stderr
    assert "an app line" in result.stderr
    assert "{" not in result.stderr and "bigpicture.requests" not in result.stderr


def test_an_unknown_log_format_fails_loudly():
    result = _run(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'plain' or 'json'" in result.stderr


# A real worker: the id travels in the task's message and is on the worker's lines.


@pytest.fixture
def broker(monkeypatch):
    """Publish this process's tasks to our emptied Redis database instead of running them."""
    url = workers.redis_url(REDIS_DB)
    client = workers.redis_or_skip(url)
    try:
        with workers.publishing_to(url, monkeypatch):
            yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def json_worker(transactional_db, broker, tmp_path):
    """A real prefork worker with LOG_FORMAT=json; returns its parsed output so far."""
    output = tmp_path / "worker.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "EMAIL_", "LOG_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bigpicture.settings",
        BIGPICTURE_ENV="development",
        DATABASE_URL=workers.database_url(),
        CELERY_BROKER_URL=broker,
        EMAIL_URL="dummymail://",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )
    with output.open("w") as sink:
        worker = subprocess.Popen(  # noqa: S603 - our own command
            [
                *(str(CELERY), "-A", "bigpicture", "worker", "-n", f"logs{os.getpid()}@%h"),
                *("--concurrency", "1", "--pool", "prefork", "-Q", "celery", "-l", "info"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def lines() -> list[dict]:
        found = []
        for line in output.read_text().splitlines():
            if line.startswith("{"):
                found.append(json.loads(line))
        return found

    try:
        yield lines
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
        print(output.read_text()[-4000:])  # shown when the test fails


def _task_lines(lines, task: str) -> list[dict]:
    return [line for line in lines() if task in line["message"]]


@pytest.mark.postgres
@pytest.mark.real_clock
def test_a_task_started_by_a_request_logs_with_its_id_in_the_worker(client, json_worker):
    """A password link asked for (a request that queues the outbox's delivery task): the
    worker's lines for that task carry the request's id; a task no request started, none."""
    person = factories.AdminFactory(email="known.person@example.org")
    response = client.post(
        reverse("password_reset"), {"email": person.email}, HTTP_X_REQUEST_ID="reset-req-42"
    )
    assert response.status_code == 302
    sweep_outbox.delay()  # published by no request

    def finished(task: str) -> list[dict]:
        return [line for line in _task_lines(json_worker, task) if "succeeded" in line["message"]]

    workers.wait_until(
        lambda: finished("send_notifications") and finished("sweep_outbox"),
        "the worker to run both tasks",
        timeout=60,
    )
    delivered = finished("send_notifications")[0]
    assert delivered["request_id"] == "reset-req-42"
    assert delivered["level"] == "INFO" and delivered["logger"] == "celery.app.trace"
    assert finished("sweep_outbox")[0]["request_id"] is None
    assert all(line["request_id"] in {None, "reset-req-42"} for line in json_worker())


def test_djangos_lines_about_a_request_name_its_route_not_its_path():
    """ "Internal Server Error: /internships/portal/<token>/" would put a link's token in the
    logs: with JSON logs the line names the route."""
    path = reverse("internships:portal-link", args=["a-secret-token"])
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "%s: %s",
        ("Internal Server Error", path),
        None,
    )
    record.request = request
    assert logs.RoutesNotPaths().filter(record)
    assert record.getMessage() == "Internal Server Error: internships:portal-link"
