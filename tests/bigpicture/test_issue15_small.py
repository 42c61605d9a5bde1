"""Issue 15, item 9: one date format per language, the school's time zone in messages, the
set-password page in the invited person's language, one home for mentors, a 403 on one log
line, preferences offering only what reaches a role, and quiet hours that cannot be empty."""

import dataclasses
import logging
import re
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bigpicture import notifications
from bigpicture.models import Notification, NotificationPreference
from bigpicture.notifications.rules import RULES, Draft
from internships.models import SignInLink
from students.reminders import STUDENT_WITHOUT_ADVISORY
from tests import factories

MORNING = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
NAMED = ("DATE_FORMAT", "SHORT_DATE_FORMAT")
NAMED_MOMENTS = ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT")


def _row(person, **context) -> Notification:
    draft = Draft(
        recipient_id=person.pk,
        school_id=person.school_id,
        subject_key="student:1",
        subject="Ana Diaz",
        occasion="one",
        context={"student": "Ana Diaz", "since": "2026-11-01", "path": "/students/1/", **context},
    )
    notifications.record(STUDENT_WITHOUT_ADVISORY, [draft], now=MORNING)
    return Notification.objects.get(key=STUDENT_WITHOUT_ADVISORY.key_for(draft))


class TestOneDateFormatPerLanguage:
    @pytest.mark.parametrize(
        ("language", "day", "moment"),
        [
            ("en", "Sept. 5, 2025", "Sept. 5, 2025, 2:30 p.m."),
            ("es", "5 sep 2025", "5 sep 2025, 14:30"),
        ],
    )
    def test_every_named_format_reads_the_same(self, language, day, moment):
        with translation.override(language):
            assert {formats.date_format(date(2025, 9, 5), name) for name in NAMED} == {day}
            shown = {formats.date_format(datetime(2025, 9, 5, 14, 30), n) for n in NAMED_MOMENTS}
            assert shown == {moment}

    def test_an_emailed_day_reads_as_on_the_pages(self, world):
        world.admin.language = "es"
        world.admin.save()
        email = notifications.render_email(_row(world.admin))
        assert "1 nov 2026" in email.body
        assert "2026-11-01" not in email.body
        assert "2026-11-01" not in email.alternatives[0][0]

    def test_a_notifications_subject_shows_its_days_in_the_readers_format(self, world):
        row = _row(world.admin, student="2026-11-02")
        assert notifications.subject_of(row) == "Nov. 2, 2026 is not in an advisory"

    def test_text_shaped_like_an_impossible_day_stays_text(self, world):
        row = _row(world.admin, student="2026-02-30")
        assert notifications.subject_of(row) == "2026-02-30 is not in an advisory"

    def test_an_email_is_written_in_the_readers_school_time_zone(self, world, monkeypatch):
        world.school.time_zone = "America/Los_Angeles"
        world.school.save()
        seen = []

        def live(notification):
            seen.append(timezone.get_current_timezone_name())
            return {}

        rule = dataclasses.replace(STUDENT_WITHOUT_ADVISORY, live_context=live)
        monkeypatch.setitem(RULES, rule.key, rule)
        notifications.render_email(_row(world.admin))
        assert seen == ["America/Los_Angeles"]
        assert timezone.get_current_timezone_name() == settings.TIME_ZONE

    def test_the_notifications_page_shows_times_in_the_school_zone(self, client_as, world):
        world.school.time_zone = "America/New_York"
        world.school.save()
        _row(world.admin)
        Notification.objects.update(created_at=MORNING)  # 15:00 UTC is 10:00 in New York
        page = client_as("admin").get(reverse("bigpicture:notification-list")).content.decode()
        assert "Nov. 23, 2026, 10 a.m." in page
        assert "Nov. 1, 2026" not in page  # the subject has no date; the body is not listed


def _invitation_path(person) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


class TestSetPasswordInTheInvitationsLanguage:
    def test_the_page_and_the_pages_after_it_speak_the_persons_language(self, client, world):
        person = factories.UserFactory(school=world.school, language="es", is_guardian=True)
        person.set_unusable_password()
        person.save()
        response = client.get(_invitation_path(person), follow=True)
        assert response.status_code == 200
        assert response["Content-Language"] == "es"
        assert "Elija una contraseña" in response.content.decode()
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
        password = "Tide-pool-survey-42"
        done = client.post(
            response.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
        )
        assert done.status_code == 302
        assert client.get(done.url)["Content-Language"] == "es"
        person.refresh_from_db()
        assert person.check_password(password)

    def test_a_wrong_password_is_told_in_the_persons_language(self, client, world):
        person = factories.UserFactory(school=world.school, language="es", is_guardian=True)
        form_url = client.get(_invitation_path(person), follow=True).redirect_chain[-1][0]
        response = client.post(form_url, {"new_password1": "abc", "new_password2": "abd"})
        assert response.status_code == 200
        assert response["Content-Language"] == "es"
        assert response.context["form"].errors["new_password2"]

    def test_a_link_that_does_not_work_tells_nothing_of_the_person(self, client, world):
        person = factories.UserFactory(school=world.school, language="es", is_guardian=True)
        uid = urlsafe_base64_encode(force_bytes(person.pk))
        url = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": "made-up"})
        response = client.get(url)
        assert response["Content-Language"] == "en"
        assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


class TestOneHomeForMentors:
    def test_a_link_and_a_password_both_lead_home(self, client, world):
        token, _link = SignInLink.objects.issue(user=world.mentor)
        by_link = client.post(reverse("internships:portal-link", args=[token]))
        client.logout()
        world.mentor.set_password("Tide-pool-survey-42")
        world.mentor.save()
        by_password = client.post(
            reverse("login"), {"username": world.mentor.email, "password": "Tide-pool-survey-42"}
        )
        home = resolve_url(settings.LOGIN_REDIRECT_URL)
        assert (by_link.status_code, by_password.status_code) == (302, 302)
        assert by_link.url == by_password.url == home == reverse("bigpicture:home")


class TestForbiddenLogsOneLine:
    def test_a_403_is_one_line_without_a_traceback(self, client_as, world, caplog):
        url = reverse("bigpicture:person-list")
        with caplog.at_level(logging.WARNING, logger="django.request"):
            response = client_as("student").get(url)
        assert response.status_code == 403
        [record] = [r for r in caplog.records if r.name == "django.request"]
        assert record.getMessage() == f"Forbidden (Permission denied): {url}"
        assert record.exc_info is None
        assert "Traceback" not in caplog.text

    def test_a_fault_keeps_its_traceback(self):
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), None)
        record.status_code = 500
        try:
            raise RuntimeError("boom")
        except RuntimeError as error:
            record.exc_info = (type(error), error, error.__traceback__)
        logging.getLogger("django.request").filters[0].filter(record)
        assert record.exc_info is not None


class TestPreferencesOfferWhatReachesTheRole:
    @pytest.mark.parametrize(
        ("role", "offered", "not_offered"),
        [
            ("mentor", {"learning", "internships"}, {"school", "progress"}),
            ("guardian", {"progress", "learning", "internships"}, {"school"}),
            ("student", {"learning", "internships"}, {"school", "progress"}),
            ("advisor", {"learning", "internships"}, {"school", "progress"}),
            ("admin", {"school", "learning", "internships"}, {"progress"}),
        ],
    )
    def test_only_the_kinds_that_reach_the_role(self, client_as, world, role, offered, not_offered):
        response = client_as(role).get(reverse("bigpicture:notification-preferences"))
        fields = set(response.context["form"].fields)
        assert {f"kind_{kind}" for kind in offered} <= fields
        assert not {f"kind_{kind}" for kind in not_offered} & fields
        assert "Your account" in response.content.decode()  # always said, never a choice

    def test_messages_between_mentor_and_advisor_are_a_kind_both_are_offered(self):
        kind = notifications.KINDS[RULES["internship_message"].kind]
        assert kind.reaches({"mentor"}) and kind.reaches({"advisor"})

    def test_saving_leaves_the_kinds_not_offered_as_they_were(self, client_as, world):
        NotificationPreference.objects.create(user=world.mentor, kind="school", delivery="off")
        client = client_as("mentor")
        response = client.post(
            reverse("bigpicture:notification-preferences"),
            {"kind_learning": "daily", "kind_internships": "now"},
        )
        assert response.status_code == 302
        chosen = dict(
            NotificationPreference.objects.filter(user=world.mentor).values_list("kind", "delivery")
        )
        assert chosen == {"school": "off", "learning": "daily", "internships": "now"}


class TestQuietHours:
    def _post(self, client, start, end):
        data = {"kind_learning": "now", "kind_internships": "now", "kind_school": "now"}
        return client.post(
            reverse("bigpicture:notification-preferences"),
            {**data, "quiet_hours_start": start, "quiet_hours_end": end},
        )

    def test_from_seven_to_seven_is_refused_next_to_the_field(self, client_as, world):
        response = self._post(client_as("admin"), "07:00", "07:00")
        assert response.status_code == 200
        form = response.context["form"]
        assert list(form.errors) == ["quiet_hours_end"]
        assert "another time than they start" in form.errors["quiet_hours_end"][0]
        page = response.content.decode()
        assert re.search(r'name="quiet_hours_start"[^>]*value="07:00"', page)
        world.admin.refresh_from_db()
        assert world.admin.quiet_hours_start is None
        assert not NotificationPreference.objects.filter(user=world.admin).exists()

    def test_a_night_is_kept(self, client_as, world):
        response = self._post(client_as("admin"), "21:00", "07:00")
        assert response.status_code == 302
        world.admin.refresh_from_db()
        assert (world.admin.quiet_hours_start.hour, world.admin.quiet_hours_end.hour) == (21, 7)

    def test_the_emailed_link_refuses_it_too(self, client, world):
        url = reverse(
            "bigpicture:preferences-token", args=[notifications.preferences_token(world.guardian)]
        )
        response = client.post(
            url,
            {
                "kind_learning": "now",
                "kind_internships": "now",
                "kind_progress": "off",
                "quiet_hours_start": "07:00",
                "quiet_hours_end": "07:00",
            },
        )
        assert response.status_code == 200
        assert "quiet_hours_end" in response.context["form"].errors
        assert mail.outbox == []
