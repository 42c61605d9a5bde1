"""The outbox's corner cases: who no longer gets a message, retries, the daily email."""

import smtplib
from datetime import UTC, date, datetime, timedelta

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bigpicture import notifications
from bigpicture.models import Notification, NotificationPreference
from students.reminders import STUDENT_WITHOUT_ADVISORY, WEEKLY_PROGRESS
from tests.bigpicture.test_outbox import MORNING, _draft, _record

Status = Notification.Status


def test_a_deactivated_recipient_gets_nothing_from_the_outbox(world):
    row = _record(world.admin)
    world.admin.is_active = False
    world.admin.save()
    assert notifications.deliver([row.pk], now=MORNING)["skipped"] == 1
    row.refresh_from_db()
    assert (row.status, row.reason) == (Status.SKIPPED, "The account is deactivated.")
    assert mail.outbox == []


def test_a_guardian_unlinked_before_the_weekly_email_leaves_gets_nothing(world):
    NotificationPreference.objects.create(user=world.guardian, kind="progress")
    notifications.scan(schools=[world.school], today=date(2026, 11, 27))
    row = Notification.objects.get(rule=WEEKLY_PROGRESS.key)
    world.link.delete()
    notifications.deliver([row.pk], now=row.send_after)
    row.refresh_from_db()
    assert row.status == Status.SKIPPED
    assert row.reason == "No child is linked to this guardian any more."
    assert mail.outbox == []


def test_a_row_that_cannot_be_written_fails_and_the_batch_goes_on(world):
    broken = _record(world.admin, "broken")
    Notification.objects.filter(pk=broken.pk).update(rule="renamed_rule")
    fine = _record(world.admin, "fine")
    counts = notifications.deliver([broken.pk, fine.pk], now=MORNING)
    assert (counts["failed"], counts["sent"]) == (1, 1)
    broken.refresh_from_db()
    assert broken.status == Status.FAILED
    assert broken.reason.startswith("Could not be written")


class Greylisted(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (450, b"4.2.0 Greylisted")})


@override_settings(EMAIL_BACKEND="tests.bigpicture.test_outbox_recipients_and_retries.Greylisted")
def test_a_temporary_refusal_is_retried_not_failed(world):
    row = _record(world.admin)
    assert notifications.deliver([row.pk], now=MORNING)["retry"] == 1
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert "450" in row.reason


def test_the_daily_email_waits_for_quiet_hours(world):
    NotificationPreference.objects.create(user=world.admin, kind="school", delivery="daily")
    world.admin.quiet_hours_start = datetime(2000, 1, 1, 15, 0).time()
    world.admin.quiet_hours_end = datetime(2000, 1, 1, 23, 0).time()
    world.admin.save()
    _record(world.admin)
    half_past_four = datetime(2026, 10, 2, 20, 30, tzinfo=UTC)  # 16:30 in New York
    notifications.write_digests(half_past_four)
    digest = Notification.objects.get(rule="daily_digest")
    assert timezone.localtime(digest.send_after, world.school.zone).hour == 23


def test_subjects_are_plain_text_not_html_entities(world):
    draft = _draft(world.admin, student="Lisa O'Brien & Sons")
    notifications.record(STUDENT_WITHOUT_ADVISORY, [draft], now=MORNING)
    row = Notification.objects.get(key=STUDENT_WITHOUT_ADVISORY.key_for(draft))
    assert notifications.subject_of(row) == "Lisa O'Brien & Sons is not in an advisory"
    notifications.deliver([row.pk], now=MORNING)
    assert mail.outbox[0].subject == "Lisa O'Brien & Sons is not in an advisory"
    assert "Lisa O'Brien & Sons has not been" in mail.outbox[0].body


def test_the_daily_email_title_counts_its_messages(world):
    NotificationPreference.objects.create(user=world.admin, kind="school", delivery="daily")
    _record(world.admin, "a")
    _record(world.admin, "b")
    notifications.write_digests(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    digest = Notification.objects.get(rule="daily_digest")
    assert notifications.subject_of(digest) == "Your daily email: 2 messages"


def test_recording_queues_only_its_own_rows(world, django_capture_on_commit_callbacks):
    for person in (world.admin, world.admin2):
        person.quiet_hours_start = person.quiet_hours_end = None
        person.save()
    waiting = _record(world.admin2, "someone-else", now=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        notifications.record(STUDENT_WITHOUT_ADVISORY, [_draft(world.admin, "mine")])
    assert [m.to for m in mail.outbox] == [[world.admin.email]]
    waiting.refresh_from_db()
    assert waiting.status == Status.PENDING  # left to its own task or the sweep


def test_asking_for_a_password_link_again_and_again_sends_one(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            client.post(reverse("password_reset"), {"email": world.guardian.email})
    assert len(mail.outbox) == 1
