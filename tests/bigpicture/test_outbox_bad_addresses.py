"""Issue 11, items 1 and 2, and the outbox's part of item 7: no message stuck behind a bad
one, a broker that is down costs a warning and nothing else, each row queued once a lease.

The address that breaks sending passes Django's EmailValidator (each domain label is 63
characters or fewer as typed) but not IDNA encoding (``ä`` grows to several characters).
"""

import contextlib
import logging
import socket
from datetime import timedelta

import kombu.pools
import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail, signing
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bigpicture import notifications, reminders
from bigpicture.celery import app as celery_app
from bigpicture.models import Notification, User
from bigpicture.notifications.rules import KINDS, Draft
from students.models import Student
from tests import factories

pytestmark = pytest.mark.django_db

BAD = "parent@" + "ä" * 60 + ".com"
Status = Notification.Status
REFUSAL = "Email cannot be sent to this address. Check it for a typing mistake."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _error_by_email(response) -> bool:
    return response.status_code == 200 and REFUSAL in response.content.decode()


# --- item 1: refused at entry, with a message by the field, nothing saved -------------------


def test_add_a_person_refuses_the_address_by_the_field(client_as):
    data = {"email": BAD, "first_name": "Ana", "last_name": "Ruiz", "language": "es"}
    response = client_as("admin").post(reverse("bigpicture:person-create"), {**data})
    assert _error_by_email(response)
    assert not User.objects.filter(first_name="Ana", last_name="Ruiz").exists()
    assert not Notification.objects.exists()


def test_enrolment_refuses_the_address_by_the_field(client_as):
    data = {
        "email": BAD,
        "first_name": "Marisol",
        "last_name": "Vega",
        "graduating_class": "2030",
        "language": "es",
    }
    response = client_as("admin").post(reverse("students:student-create"), data)
    assert _error_by_email(response)
    assert not Student.objects.filter(user__first_name="Marisol").exists()


def test_linking_a_guardian_refuses_the_address_by_the_field(client_as, world):
    data = {"email": BAD, "first_name": "Carmen", "last_name": "Ortiz", "language": "es"}
    data |= {"relationship": "grandparent", "receives_reminders": "on"}
    url = reverse("students:guardian-create", args=[world.student.pk])
    response = client_as("admin").post(url, data)
    assert _error_by_email(response)
    assert world.student.guardian_links.count() == 1


def test_the_password_form_refuses_the_address(client):
    response = client.post(reverse("password_reset"), {"email": BAD})
    assert _error_by_email(response)
    assert not Notification.objects.exists()


# --- item 1: a message that cannot be sent fails alone -----------------------------------------


class Recorder:
    def __init__(self):
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients += envelope.rcpt_tos
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port, and Django's SMTP backend."""
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ):
            yield recorder
    finally:
        controller.stop()


def _invitations(*people) -> list[Notification]:
    drafts = [
        Draft(
            recipient_id=person.pk,
            school_id=person.school_id,
            subject_key=f"user:{person.pk}",
            subject=person.get_full_name(),
            occasion="asked",
        )
        for person in people
    ]
    with transaction.atomic():
        notifications.record(reminders.PASSWORD_RESET, drafts)
    return list(Notification.objects.order_by("pk"))


def test_a_poisoned_row_fails_alone_and_the_rows_behind_it_are_sent(world, smtp_server):
    poisoned = factories.GuardianFactory(school=world.school)
    User.objects.filter(pk=poisoned.pk).update(email=BAD)  # written before the check existed
    rows = _invitations(world.guardian, poisoned, world.advisor)
    counts = notifications.deliver([row.pk for row in rows])
    assert counts == {"sent": 2, "failed": 1, "retry": 0, "skipped": 0}
    assert sorted(smtp_server.recipients) == sorted([world.guardian.email, world.advisor.email])
    bad = Notification.objects.get(recipient=poisoned)
    assert bad.status == Status.FAILED
    assert "cannot be used for email" in bad.reason


def test_any_error_while_sending_retries_that_message_alone(world, monkeypatch):
    rows = _invitations(world.guardian, world.advisor)  # written, not sent: no commit here
    real_send = mail.EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if world.guardian.email in message.to:
            raise RuntimeError("the template engine ran out of luck")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", send)
    counts = notifications.deliver([row.pk for row in rows])
    assert counts["sent"] == 1 and counts["retry"] == 1
    stuck = Notification.objects.get(recipient=world.guardian)
    assert (stuck.status, stuck.attempts) == (Status.PENDING, 1)
    assert "ran out of luck" in stuck.reason


# --- item 1: the attempt cap holds when a claim expires -----------------------------------------


def test_a_claim_that_expires_at_the_last_attempt_fails_the_row(world):
    rows = _invitations(world.guardian, world.advisor)
    long_ago = timezone.now() - notifications.lease() - timedelta(minutes=1)
    Notification.objects.filter(pk=rows[0].pk).update(
        status=Status.SENDING, claimed_at=long_ago, attempts=notifications.MAX_ATTEMPTS
    )
    Notification.objects.filter(pk=rows[1].pk).update(
        status=Status.SENDING, claimed_at=long_ago, attempts=1
    )
    notifications.sweep()
    rows[0].refresh_from_db()
    rows[1].refresh_from_db()
    assert rows[0].status == Status.FAILED
    assert rows[1].status in (Status.PENDING, Status.SENT)  # released, then sent again


# --- item 7: queued once a lease; the lease outlasts the slowest send -------------------------


def test_the_sweep_queues_a_waiting_row_once_per_lease(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[list[int]] = []
    monkeypatch.setattr(
        "bigpicture.tasks.send_notifications.apply_async",
        lambda args, **options: queued.append(args[0]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        rows = _invitations(world.guardian)
    assert queued == [[rows[0].pk]]  # queued when its transaction committed
    later = timezone.now() + timedelta(minutes=2)
    assert notifications.sweep(later) == 0  # still in the broker's hands: not queued again
    assert notifications.sweep(later + timedelta(minutes=1)) == 0
    assert (
        notifications.sweep(later + notifications.lease()) == 1
    )  # a lease later nothing has taken it
    assert len(queued) == 2


@override_settings(EMAIL_TIMEOUT=120)
def test_the_lease_outlasts_every_smtp_exchange_at_its_timeout():
    assert notifications.lease() >= timedelta(seconds=120 * notifications.SMTP_EXCHANGES)


# --- item 2: a broker that is down ------------------------------------------------------------


@contextlib.contextmanager
def _broker_down(monkeypatch):
    """Publish to a real Redis URL where nothing listens (the broker is down)."""
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{_free_port()}/0")
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def test_a_password_link_asked_with_the_broker_down_waits_for_the_sweep(
    client, world, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="bigpicture.notifications.delivery")
    with _broker_down(monkeypatch), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": world.guardian.email})
    assert response.status_code == 302  # the usual answer, not a 500
    row = Notification.objects.get(recipient=world.guardian)
    assert (row.status, row.queued_at) == (Status.PENDING, None)
    assert "the sweep will" in caplog.text


def test_a_failed_enqueue_costs_no_other_commit_hook(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    ran = []
    draft = Draft(
        recipient_id=world.guardian.pk,
        school_id=world.school.pk,
        subject_key="user",
        subject="x",
        occasion="now",
    )
    with (
        _broker_down(monkeypatch),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        notifications.record(reminders.PASSWORD_RESET, [draft])
        transaction.on_commit(lambda: ran.append("the evidence file is deleted"))
    assert ran == ["the evidence file is deleted"]


# --- item 7: the link to a person's email choices ------------------------------------------------


def _choices_url(person) -> str:
    return reverse("bigpicture:preferences-token", args=[notifications.preferences_token(person)])


def test_the_choices_link_opens_once_and_is_kept_by_no_browser(client, world):
    url = _choices_url(world.guardian)
    page = client.get(url)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    shown = page.content.decode()
    assert world.guardian.email not in shown  # masked: the link may travel further than you
    assert world.guardian.masked_email in shown
    kinds = {f"kind_{k.key}": k.default for k in KINDS.values() if not k.safety_critical}
    response = client.post(url, {**kinds, "quiet_hours_start": "", "quiet_hours_end": ""})
    assert response.status_code == 302 and response.url != url  # on to a fresh link
    assert client.get(url).status_code == 404  # the saved link is spent
    assert client.get(response.url).status_code == 200


def test_the_choices_link_lasts_a_month(client, world):
    url = _choices_url(world.guardian)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get(url).status_code == 404


def test_a_link_without_a_nonce_works_until_the_first_change(client, world):
    old = signing.dumps(
        {"user": world.guardian.pk}, salt=notifications.PREFERENCES_SALT, compress=True
    )
    url = reverse("bigpicture:preferences-token", args=[old])
    assert client.get(url).status_code == 200
    world.guardian.rotate_preferences_link()
    world.guardian.save()
    assert client.get(url).status_code == 404


def test_a_changed_address_is_told_to_the_old_one_and_retires_the_links(client_as, world):
    old_email, url = world.guardian.email, _choices_url(world.guardian)
    data = {
        "email": "carmen.new@example.org",
        "first_name": world.guardian.first_name,
        "last_name": world.guardian.last_name,
        "language": "en",
        "is_active": "on",
        "roles": ["guardian"],
    }
    admin = client_as("admin")
    response = admin.post(reverse("bigpicture:person-update", args=[world.guardian.pk]), data)
    assert response.status_code == 302
    told = Notification.objects.get(recipient=world.guardian, rule="email_changed")
    message = notifications.render_email(told)
    assert message.to == [old_email]
    assert "c•••@example.org" in message.body
    assert admin.get(url).status_code == 404
