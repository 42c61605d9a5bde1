"""The outbox: written once per key, routed by preference, delivered once, failures kept."""

import smtplib
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone

from bigpicture import notifications
from bigpicture.models import Notification, NotificationPreference, ReminderSetting
from bigpicture.notifications import delivery
from bigpicture.notifications.rules import KINDS, RULES, Draft
from bigpicture.reminders import ACCOUNT_INVITATION, invitation
from students.reminders import STUDENT_WITHOUT_ADVISORY, WEEKLY_PROGRESS
from tests import factories

Status = Notification.Status
# 15:00 UTC is 10:00 in New York, the test school's time zone: outside quiet hours.
MORNING = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _draft(person, occasion="one", **context) -> Draft:
    return Draft(
        recipient_id=person.pk,
        school_id=person.school_id,
        subject_key=f"student:{person.pk}",
        subject="Ana Diaz",
        occasion=occasion,
        context={"student": "Ana Diaz", "since": "2026-11-01", "path": "/students/1/", **context},
    )


def _record(person, occasion="one", now=MORNING) -> Notification:
    draft = _draft(person, occasion)
    notifications.record(STUDENT_WITHOUT_ADVISORY, [draft], now=now)
    return Notification.objects.get(key=STUDENT_WITHOUT_ADVISORY.key_for(draft))


class TestWriting:
    def test_a_key_is_written_once_however_often_it_is_recorded(self, world):
        assert (
            notifications.record(STUDENT_WITHOUT_ADVISORY, [_draft(world.admin)], now=MORNING) == 1
        )
        assert (
            notifications.record(STUDENT_WITHOUT_ADVISORY, [_draft(world.admin)], now=MORNING) == 0
        )
        assert Notification.objects.count() == 1
        other = notifications.record(
            STUDENT_WITHOUT_ADVISORY, [_draft(world.admin, "two")], now=MORNING
        )
        assert other == 1

    def test_the_key_names_rule_subject_recipient_and_occasion(self, world):
        row = _record(world.admin)
        assert row.key == f"student_without_advisory:student:{world.admin.pk}:user:" + (
            f"{world.admin.pk}:one"
        )
        assert (row.status, row.school, row.kind) == (Status.PENDING, world.school, "school")

    def test_a_person_who_switched_email_off_is_skipped_with_the_reason(self, world):
        NotificationPreference.objects.create(user=world.admin, kind="school", delivery="off")
        row = _record(world.admin)
        assert row.status == Status.SKIPPED
        assert row.reason == "Email switched off by the person."

    def test_a_daily_choice_holds_the_message_for_the_daily_email(self, world):
        NotificationPreference.objects.create(user=world.admin, kind="school", delivery="daily")
        assert _record(world.admin).status == Status.DIGEST

    def test_quiet_hours_defer_the_message_to_their_end(self, world):
        world.admin.quiet_hours_start, world.admin.quiet_hours_end = time(21, 0), time(7, 0)
        world.admin.save()
        evening = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)  # 22:30 in New York
        row = _record(world.admin, now=evening)
        assert row.status == Status.PENDING
        local = timezone.localtime(row.send_after, world.school.zone)
        assert (local.date(), local.time()) == (date(2026, 11, 24), time(7, 0))

    def test_no_quiet_hours_means_at_once(self, world):
        world.admin.quiet_hours_start = world.admin.quiet_hours_end = None
        world.admin.save()
        evening = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
        assert _record(world.admin, now=evening).send_after == evening

    def test_account_messages_ignore_preferences_and_quiet_hours(self, world):
        NotificationPreference.objects.create(user=world.mentor, kind="account", delivery="off")
        evening = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
        notifications.record(ACCOUNT_INVITATION, [invitation(world.mentor)], now=evening)
        row = Notification.objects.get(recipient=world.mentor)
        assert (row.status, row.send_after) == (Status.PENDING, evening)

    def test_a_person_without_an_address_gets_no_row_and_deactivated_is_skipped(self, world):
        world.guardian.is_active = False
        world.guardian.save()
        assert _record(world.guardian).reason == "The account is deactivated."
        type(world.mentor).objects.filter(pk=world.mentor.pk).update(
            email=None, phone="+12025550143"
        )
        assert notifications.record(STUDENT_WITHOUT_ADVISORY, [_draft(world.mentor, "x")]) == 0
        assert not Notification.objects.filter(recipient=world.mentor).exists()


class AlwaysRefused(BaseEmailBackend):
    def send_messages(self, messages):
        refused = {m.to[0]: (550, b"5.1.1 No such user") for m in messages}
        raise smtplib.SMTPRecipientsRefused(refused)


class AlwaysDown(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class TestDelivering:
    def test_a_due_row_is_sent_once_in_the_recipients_language(self, world):
        world.admin.language = "es"
        world.admin.save()
        row = _record(world.admin)
        assert notifications.deliver([row.pk], now=MORNING)["sent"] == 1
        assert notifications.deliver([row.pk], now=MORNING)["skipped"] == 1  # a redelivery
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [world.admin.email]
        assert message.extra_headers["X-Bigpicture-Key"] == row.key
        assert "/notifications/preferences/" in message.extra_headers["List-Unsubscribe"]
        assert "Ana Diaz" in message.subject
        assert "text/html" in message.alternatives[0][1]
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.SENT, 1)
        assert row.sent_at is not None

    def test_a_row_not_due_yet_waits(self, world):
        row = _record(world.admin)
        assert notifications.deliver([row.pk], now=MORNING - timedelta(minutes=1))["skipped"] == 1
        assert mail.outbox == []

    @override_settings(EMAIL_BACKEND="tests.bigpicture.test_outbox.AlwaysRefused")
    def test_an_address_the_server_refuses_fails_at_once_with_its_reason(self, world):
        row = _record(world.admin)
        assert notifications.deliver([row.pk], now=MORNING)["failed"] == 1
        row.refresh_from_db()
        assert row.status == Status.FAILED
        assert row.reason == "Refused by the mail server: 550 5.1.1 No such user"
        assert notifications.enqueue_due(MORNING + timedelta(days=1)) == 0  # never retried

    @override_settings(EMAIL_BACKEND="tests.bigpicture.test_outbox.AlwaysDown")
    def test_a_server_that_is_down_is_retried_with_back_off_then_given_up(self, world):
        row = _record(world.admin)
        moment, waits = MORNING, []
        for _attempt in range(notifications.MAX_ATTEMPTS - 1):
            assert notifications.deliver([row.pk], now=moment)["retry"] == 1
            row.refresh_from_db()
            assert row.status == Status.PENDING
            assert "Connection unexpectedly closed" in row.reason
            waits.append(row.send_after - moment)
            moment = row.send_after
        assert waits == [timedelta(minutes=2**n) for n in range(notifications.MAX_ATTEMPTS - 1)]
        assert notifications.deliver([row.pk], now=moment)["failed"] == 1
        row.refresh_from_db()
        assert row.status == Status.FAILED
        assert row.reason.startswith(f"Gave up after {notifications.MAX_ATTEMPTS} attempts")

    def test_the_sweep_releases_a_dead_workers_claim_and_sends_it(
        self, world, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        for person in (world.admin, world.other_advisor):
            person.quiet_hours_start = person.quiet_hours_end = None
            person.save()
        stuck = _record(world.admin, "stuck", now=now - timedelta(minutes=12))
        fresh = _record(world.other_advisor, "fresh", now=now - timedelta(minutes=12))
        Notification.objects.filter(pk=stuck.pk).update(
            status=Status.SENDING, claimed_at=now - timedelta(minutes=11)
        )
        Notification.objects.filter(pk=fresh.pk).update(
            status=Status.SENDING, claimed_at=now - timedelta(minutes=1)
        )
        assert notifications.sweep(now) == 1  # eager tasks: the released row is sent at once
        stuck.refresh_from_db()
        fresh.refresh_from_db()
        assert stuck.status == Status.SENT
        assert fresh.status == Status.SENDING  # its worker may still be at it
        assert [m.extra_headers["X-Bigpicture-Key"] for m in mail.outbox] == [stuck.key]

    def test_the_sweep_leaves_fresh_rows_to_their_own_task_but_takes_deferred_ones(self, world):
        world.admin.quiet_hours_start = world.admin.quiet_hours_end = None
        world.admin.save()
        now = timezone.now()
        _record(world.admin, "fresh", now=now)  # queued on commit by record()
        deferred = _record(world.admin, "deferred", now=now - timedelta(hours=2))
        Notification.objects.filter(pk=deferred.pk).update(send_after=now - timedelta(seconds=5))
        assert notifications.sweep(now) == 1
        assert [m.extra_headers["X-Bigpicture-Key"] for m in mail.outbox] == [deferred.key]


class TestScan:
    def _unplaced_since(self, world, days_ago: int):
        world.unplaced.enrolled_on = world.school.today() - timedelta(days=days_ago)
        world.unplaced.save()

    def _unplaced_rows(self):
        return Notification.objects.filter(rule=STUDENT_WITHOUT_ADVISORY.key)

    def test_a_student_unplaced_for_a_week_is_reported_to_each_admin_once(self, world):
        second_admin = factories.AdminFactory(school=world.school)
        self._unplaced_since(world, 8)
        notifications.scan(schools=[world.school])
        notifications.scan(schools=[world.school])
        rows = self._unplaced_rows()
        assert {row.recipient for row in rows} == {world.admin, second_admin}
        assert all(row.subject == world.unplaced.display_name for row in rows)

    def test_not_before_the_schools_number_of_days(self, world):
        self._unplaced_since(world, 3)
        notifications.scan(schools=[world.school])
        assert not self._unplaced_rows().exists()
        ReminderSetting.objects.create(
            school=world.school, rule=STUDENT_WITHOUT_ADVISORY.key, days=2
        )
        notifications.scan(schools=[world.school])
        assert self._unplaced_rows().count() == 1

    def test_a_reminder_switched_off_writes_nothing(self, world):
        self._unplaced_since(world, 30)
        ReminderSetting.objects.create(
            school=world.school, rule=STUDENT_WITHOUT_ADVISORY.key, enabled=False
        )
        notifications.scan(schools=[world.school])
        assert not self._unplaced_rows().exists()

    def test_an_advisory_over_capacity_is_reported_again_only_after_its_days(self, world):
        world.advisory.capacity = 1
        world.advisory.save()
        factories.MembershipFactory(advisory=world.advisory)
        monday = date(2026, 11, 23)
        notifications.scan(schools=[world.school], today=monday)
        notifications.scan(schools=[world.school], today=monday + timedelta(days=1))
        rows = Notification.objects.filter(rule="advisory_over_capacity")
        assert rows.count() == 1
        assert rows.get().context["size"] == 2
        notifications.scan(schools=[world.school], today=monday + timedelta(days=7))
        assert rows.count() == 2

    def test_only_families_who_opt_in_get_the_weekly_progress_email(self, world):
        NotificationPreference.objects.create(user=world.guardian, kind="progress")
        friday = date(2026, 11, 27)
        notifications.scan(schools=[world.school], today=friday - timedelta(days=1))
        assert not Notification.objects.filter(rule=WEEKLY_PROGRESS.key).exists()
        notifications.scan(schools=[world.school], today=friday)
        notifications.scan(schools=[world.school], today=friday + timedelta(days=1))
        row = Notification.objects.get(rule=WEEKLY_PROGRESS.key)
        assert row.recipient == world.guardian
        assert row.context["children"][0]["name"] == world.student.display_name
        assert row.context["children"][0]["advisory"] == "Harbor"

    def test_a_guardian_link_without_reminders_is_left_out(self, world):
        NotificationPreference.objects.create(user=world.guardian, kind="progress")
        world.link.receives_reminders = False
        world.link.save()
        notifications.scan(schools=[world.school], today=date(2026, 11, 27))
        assert not Notification.objects.filter(rule=WEEKLY_PROGRESS.key).exists()


class TestDailyEmail:
    def test_held_messages_leave_together_after_four_pm(self, world):
        NotificationPreference.objects.create(user=world.admin, kind="school", delivery="daily")
        first, second = _record(world.admin, "a"), _record(world.admin, "b")
        noon = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 12:00 in New York
        assert notifications.write_digests(noon) == 0
        five_pm = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
        assert notifications.write_digests(five_pm) == 1
        assert notifications.write_digests(five_pm) == 0  # one a day
        digest = Notification.objects.get(rule="daily_digest")
        assert notifications.deliver([digest.pk], now=five_pm)["sent"] == 1
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == second.status == Status.SENT
        assert len(mail.outbox) == 1
        assert "2 messages" in mail.outbox[0].subject
        assert mail.outbox[0].body.count("Ana Diaz is not in an advisory") == 2


class TestSettingsAndPreferences:
    def test_every_rule_has_its_email_template(self):
        for rule in RULES.values():
            assert (rule.template + ".html").startswith("notifications/email/")

    def test_a_negative_or_too_large_number_of_days_is_refused_by_the_field(self, client_as, world):
        from django.urls import reverse

        url = reverse("bigpicture:reminder-settings", args=[world.school.pk])
        data = {
            "student_without_advisory__enabled": "on",
            "student_without_advisory__days": "-3",
            "advisory_over_capacity__enabled": "on",
            "advisory_over_capacity__days": "7",
            "weekly_progress__days": "9",
        }
        page = client_as("admin").post(url, data).content.decode()
        assert "Enter a number of days of at least 1." in page
        assert "Ensure this value is less than or equal to 6." in page
        assert 'value="-3"' in page  # what was typed is kept
        assert not ReminderSetting.objects.exists()

    def test_an_admin_switches_a_reminder_off_and_tunes_another(self, client_as, world):
        from django.urls import reverse

        url = reverse("bigpicture:reminder-settings", args=[world.school.pk])
        data = {  # every other rule as it comes, on with its usual number of days
            **{f"{rule.key}__enabled": "on" for rule in RULES.values()},
            **{f"{r.key}__days": str(r.default_days) for r in RULES.values() if r.days_label},
        }
        del data["student_without_advisory__enabled"]
        data |= {
            "student_without_advisory__days": "3",
            "advisory_over_capacity__enabled": "on",
            "advisory_over_capacity__days": "14",
            "weekly_progress__enabled": "on",
            "weekly_progress__days": "0",
        }
        assert client_as("admin").post(url, data).status_code == 302
        choices = notifications.school_settings(world.school)
        assert choices["student_without_advisory"] == (False, 3)
        assert choices["advisory_over_capacity"] == (True, 14)
        assert choices["weekly_progress"] == (True, 0)
        assert choices["account_invitation"][0] is True  # cannot be switched off

    def test_the_email_link_opens_preferences_without_signing_in(self, client, world):
        from django.urls import reverse

        token = notifications.preferences_token(world.guardian)
        url = reverse("bigpicture:preferences-token", args=[token])
        page = client.get(url).content.decode()
        assert world.guardian.masked_email in page  # the address masked (issue 11)
        kinds = {f"kind_{k.key}": k.default for k in KINDS.values() if not k.safety_critical}
        response = client.post(
            url,
            {
                **kinds,
                "kind_learning": "off",
                "kind_progress": "daily",
                "quiet_hours_start": "",
                "quiet_hours_end": "",
            },
        )
        assert response.status_code == 302
        chosen = dict(world.guardian.notification_preferences.values_list("kind", "delivery"))
        assert chosen["learning"] == "off"
        assert chosen["progress"] == "daily"
        world.guardian.refresh_from_db()
        assert world.guardian.quiet_hours_start is None
        assert client.get(url[:-3] + "xx/").status_code == 404  # a tampered token

    def test_half_quiet_hours_are_refused_by_the_field(self, client_as, world):
        from django.urls import reverse

        page = client_as("guardian").post(
            reverse("bigpicture:notification-preferences"),
            {
                "kind_school": "now",
                "kind_progress": "off",
                "quiet_hours_start": "22:00",
                "quiet_hours_end": "",
            },
        )
        assert "Give both ends of the quiet hours, or neither." in page.content.decode()

    def test_account_messages_cannot_be_held_back(self, world):
        from django.core.exceptions import ValidationError

        from bigpicture.services import notification_preferences_update

        with pytest.raises(ValidationError):
            notification_preferences_update(
                user=world.guardian,
                choices={"account": "off"},
                quiet_hours_start=None,
                quiet_hours_end=None,
            )


class TestPages:
    def test_my_notifications_list_everything_and_mark_read(
        self, client_as, world, django_assert_max_num_queries
    ):
        from django.urls import reverse

        for n in range(30):
            _record(world.admin, f"occasion-{n}")
        client = client_as("admin")
        with django_assert_max_num_queries(8):
            page = client.get(reverse("bigpicture:notification-list")).content.decode()
        assert page.count("Ana Diaz is not in an advisory") == 30
        assert page.count(">New</span>") == 30
        client.post(reverse("bigpicture:notification-read"))
        page = client.get(reverse("bigpicture:notification-list")).content.decode()
        assert ">New</span>" not in page

    def test_the_outbox_page_counts_and_filters_by_status(self, client_as, world):
        from django.urls import reverse

        _record(world.admin, "a")
        failed = _record(world.admin, "b")
        Notification.objects.filter(pk=failed.pk).update(status=Status.FAILED, reason="550 gone")
        url = reverse("bigpicture:outbox", args=[world.school.pk])
        page = client_as("admin").get(url, {"status": "failed"}).content.decode()
        assert "Failed (1)" in page and "Waiting to be sent (1)" in page
        assert "550 gone" in page
        assert page.count("Ana Diaz is not in an advisory") == 1


class TestQueryCounts:
    @pytest.mark.parametrize("page", ["notification-list", "outbox"])
    def test_the_lists_cost_the_same_for_few_or_many_messages(
        self, client_as, world, django_assert_num_queries, page
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        url = reverse(
            f"bigpicture:{page}", kwargs={"pk": world.school.pk} if page == "outbox" else None
        )
        client = client_as("admin")
        for n in range(3):
            _record(world.admin, f"few-{n}")
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for n in range(40):
            _record(world.admin, f"many-{n}")
        with django_assert_num_queries(len(few)):
            page_html = client.get(url).content.decode()
        assert page_html.count("Ana Diaz is not in an advisory") == 43


def test_a_row_released_by_the_sweep_during_a_long_batch_is_left_to_the_new_claimant(world):
    """A batch that outlived its lease does not send what another worker took over."""
    world.admin.quiet_hours_start = world.admin.quiet_hours_end = None
    world.admin.save()
    row = _record(world.admin, now=timezone.now() - timedelta(minutes=1))
    [claimed] = delivery._claim([row.pk], timezone.now())
    # The lease runs out, the sweep releases the row and another worker claims it.
    Notification.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() + timedelta(seconds=1)
    )
    assert delivery._deliver_one(claimed, mail.get_connection(), timezone.now()) == "skipped"
    assert mail.outbox == []
