"""Logs a team can run on: a request id on every line, and one JSON line per request.

- :class:`RequestIdMiddleware` (early, after ``SecurityMiddleware``) gives each request an id:
  the ``X-Request-ID`` a load balancer or proxy sent, when it is a sane token, or a new one. It
  answers with it in the ``X-Request-ID`` header, so a person reporting a fault can quote it.
- The id lives in a context variable for the request's duration; :class:`RequestIdFilter`
  (on the handler) writes it on every log record, whichever logger made it.
- A Celery task published during a request carries the id in its message headers, and the
  worker holds it while the task runs, so the task's lines carry the id of the request that
  started it. A task nobody's request started (beat, the sweep) has none.
- With ``LOG_FORMAT=json`` every line is JSON (:class:`JsonFormatter`) and each request writes
  one line on the ``bigpicture.requests`` logger: time, level, request id, method, route name
  (never the path, which holds ids and tokens), status, duration, and the ids of the person
  and their school (never a name, an email or a query string). Otherwise the lines stay plain
  for a person reading a terminal, and the request line is not written.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

HEADER = "X-Request-ID"
# The task message header that carries the id (Celery copies message headers onto
# ``task.request``).
TASK_HEADER = "bigpicture_request_id"
# What an incoming id may be: short, and nothing a log reader could mistake for structure.
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
UNRESOLVED = "unresolved"
STATIC = "static"

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
requests_log = logging.getLogger("bigpicture.requests")
# The context tokens of the tasks running in this worker process, by task id.
_task_tokens: dict[str, object] = {}


def incoming_or_new(value: str | None) -> str:
    """The id a proxy sent, if it is a sane token; a new random one otherwise."""
    if value and SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Write the current request's id (or None) on every record a handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class RoutesNotPaths(logging.Filter):
    """Django's own lines about a request ("Internal Server Error: /portal/<token>/") name the
    path, which may hold a link's token or a calendar feed's key: in JSON logs they name the
    route instead, as the request's line does."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            path = getattr(request, "path", None)
            record.args = tuple(_route(request) if arg == path else arg for arg in record.args)
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request id,
    then what the line adds (the request line's fields). Django's ``request`` extra is left
    out: its text is the full path with the query string."""

    def __init__(self, **kwargs):
        super().__init__(
            ["levelname", "name", "message", "request_id"],
            timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "taskName", "request"],
            **kwargs,
        )


def _route(request) -> str:
    """The URL pattern's name (``students:student-detail``), never the path itself."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route
    if request.path.startswith(settings.STATIC_URL):
        return STATIC
    return UNRESOLVED


def _person(request) -> tuple[int | None, int | None]:
    """The ids of the person and their school, if the request already looked them up: the
    log never loads a user (a request that read no session stays that way)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None, None
    if not user.is_authenticated:
        return None, None
    return user.pk, user.school_id


def log_request(request, response, started: float) -> None:
    """Write the request's line on ``bigpicture.requests`` (when that logger is on)."""
    if not requests_log.isEnabledFor(logging.INFO):
        return
    user_id, school_id = _person(request)
    requests_log.info(
        "request",
        extra={
            "method": request.method,
            "route": _route(request),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user_id,
            "school_id": school_id,
        },
    )


class RequestIdMiddleware:
    """Give the request its id for its whole duration, answer with it, and log the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = incoming_or_new(request.headers.get(HEADER))
        # Held until the response is closed (below), not only until this returns: Django logs
        # a 4xx or 5xx answer after the middleware, and a streamed file is sent after it.
        request_id.set(request.request_id)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        log_request(request, response, started)
        return response


@receiver(request_finished, dispatch_uid="bigpicture.logs.forget_request_id")
def forget_request_id(**kwargs) -> None:
    """The response is sent: this thread's next lines belong to no request."""
    request_id.set(None)


@before_task_publish.connect(dispatch_uid="bigpicture.logs.carry_request_id")
def carry_request_id(*, headers=None, **kwargs) -> None:
    """Put the current request's id in the message of a task published during it."""
    current = request_id.get()
    if current is not None and headers is not None:
        headers[TASK_HEADER] = current


@task_prerun.connect(dispatch_uid="bigpicture.logs.adopt_request_id")
def adopt_request_id(*, task_id=None, task=None, **kwargs) -> None:
    """In the worker: hold the id the task's message carried (or none) while it runs. A task
    run in-process (eager) keeps the id of the request it runs in."""
    if task is None or task.request.is_eager:
        return
    _task_tokens[task_id] = request_id.set(getattr(task.request, TASK_HEADER, None))


@task_postrun.connect(dispatch_uid="bigpicture.logs.drop_request_id")
def drop_request_id(*, task_id=None, **kwargs) -> None:
    """In the worker: the task is over, so are its lines' id."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id.reset(token)
