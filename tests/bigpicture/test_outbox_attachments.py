"""A rule's attachments: made when the email is written, in the reader's language, and sent."""

import dataclasses
from datetime import UTC, datetime

from django.core import mail
from django.utils import translation

from bigpicture import notifications
from bigpicture.models import Notification
from bigpicture.notifications.rules import RULES, Draft
from students.reminders import STUDENT_WITHOUT_ADVISORY

MORNING = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _with_attachments(monkeypatch, attachments):
    rule = dataclasses.replace(STUDENT_WITHOUT_ADVISORY, attachments=attachments)
    monkeypatch.setitem(RULES, rule.key, rule)
    return rule


def _row(rule, person) -> Notification:
    draft = Draft(
        recipient_id=person.pk,
        school_id=person.school_id,
        subject_key="student:1",
        subject="Ana Diaz",
        occasion="one",
        context={"student": "Ana Diaz", "since": "2026-11-01", "path": "/students/1/"},
    )
    notifications.record(rule, [draft], now=MORNING)
    return Notification.objects.get(key=rule.key_for(draft))


def test_a_rule_without_attachments_sends_none(world):
    row = _row(STUDENT_WITHOUT_ADVISORY, world.admin)
    assert notifications.render_email(row).attachments == []


def test_the_rules_files_are_attached_in_the_readers_language(world, monkeypatch):
    world.admin.language = "es"
    world.admin.save()
    seen = []

    def files(notification):
        seen.append((notification.pk, translation.get_language()))
        return [
            ("note.txt", "hola", "text/plain"),
            ("event.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ]

    rule = _with_attachments(monkeypatch, files)
    row = _row(rule, world.admin)
    message = notifications.render_email(row)
    assert seen == [(row.pk, "es")]
    assert [(name, mimetype) for name, _content, mimetype in message.attachments] == [
        ("note.txt", "text/plain"),
        ("event.ics", "text/calendar"),
    ]
    assert message.attachments[0][1] == "hola"


def test_attachments_leave_with_the_email(world, monkeypatch):
    rule = _with_attachments(
        monkeypatch, lambda n: [("event.ics", "BEGIN:VCALENDAR\r\n", "text/calendar")]
    )
    row = _row(rule, world.admin)
    assert notifications.deliver([row.pk], now=MORNING)["sent"] == 1
    sent = mail.outbox[0].message()
    parts = [part for part in sent.walk() if part.get_filename() == "event.ics"]
    assert len(parts) == 1
    assert parts[0].get_content_type() == "text/calendar"
