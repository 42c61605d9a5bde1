"""The periodic rule about mentors' background checks running out."""

from datetime import timedelta

from django.utils.formats import date_format

from bigpicture import notifications
from bigpicture.models import Notification, ReminderSetting
from internships.reminders.directory import MENTOR_CHECK_EXPIRING, checks_expiring
from tests import factories


def _mentor(world, days_left: int, **fields):
    today = world.school.today()
    return factories.MentorProfileFactory(
        **{
            "site": world.mentor_profile.site,
            "checked_on": today - timedelta(days=400),
            "check_expires_on": today + timedelta(days=days_left),
            **fields,
        }
    )


def _scan(world) -> int:
    """Run the school's periodic rules; how many new messages this rule wrote."""
    rows = Notification.objects.filter(rule=MENTOR_CHECK_EXPIRING.key)
    before = rows.count()
    notifications.scan(schools=[world.school])
    return rows.count() - before


def _reminded(world, days=30) -> set[int]:
    drafts = checks_expiring(world.school, world.school.today(), days)
    return {int(d.subject_key.split(":")[1]) for d in drafts}


class TestChecksExpiring:
    def test_a_check_expiring_within_the_days_is_reminded_to_every_admin(
        self, world, django_capture_on_commit_callbacks, mailoutbox
    ):
        soon = _mentor(world, 10, user__first_name="Rosa", user__last_name="Soon")
        other_admin = factories.AdminFactory(school=world.school)
        with django_capture_on_commit_callbacks(execute=True):
            assert _scan(world) == 2
        rows = Notification.objects.filter(rule="mentor_check_expiring")
        assert {row.recipient_id for row in rows} == {world.admin.pk, other_admin.pk}
        assert {row.kind for row in rows} == {"school"}
        message = next(m for m in mailoutbox if m.to == [world.admin.email])
        expires = date_format(soon.check_expires_on)  # as every page shows a date
        assert message.subject == f"Rosa Soon's background check expires on {expires}"
        assert f"/internships/mentors/{soon.pk}/edit/" in message.body

    def test_once_per_mentor_and_expiry_date(self, world):
        mentor = _mentor(world, 10)
        assert _scan(world) == 1
        assert _scan(world) == 0  # a rerun writes nothing
        mentor.check_expires_on += timedelta(days=5)  # a new date is a new occasion
        mentor.save()
        assert _scan(world) == 1

    def test_who_is_reminded(self, world):
        today = world.school.today()
        soon = _mentor(world, 30)
        later = _mentor(world, 31)
        expired_interning = _mentor(world, -5)
        factories.PlacementFactory(
            student=world.student, site=expired_interning.site, mentor=expired_interning
        )
        expired_idle = _mentor(world, -5)
        finished = _mentor(world, -5)
        factories.PlacementFactory(
            student=world.other_student, site=finished.site, mentor=finished, status="completed"
        )
        pending = _mentor(world, 10, background_check="pending")
        gone = _mentor(world, 10, user__is_active=False)
        elsewhere = factories.MentorProfileFactory(
            site__school=world.school2, check_expires_on=today + timedelta(days=3)
        )
        reminded = _reminded(world)
        assert soon.pk in reminded and expired_interning.pk in reminded
        for left_out in (
            later,
            expired_idle,
            finished,
            pending,
            gone,
            elsewhere,
            world.mentor_profile,
        ):
            assert left_out.pk not in reminded

    def test_the_days_are_the_schools_choice(self, world):
        mentor = _mentor(world, 50)
        assert mentor.pk not in _reminded(world)
        assert mentor.pk in _reminded(world, days=60)
        assert _scan(world) == 0
        ReminderSetting.objects.create(school=world.school, rule=MENTOR_CHECK_EXPIRING.key, days=60)
        assert _scan(world) == 1

    def test_a_school_without_admins_writes_nothing(self, world):
        _mentor(world, 10)
        world.admin.is_school_admin = False
        world.admin.save()
        assert checks_expiring(world.school, world.school.today(), 30) == []
