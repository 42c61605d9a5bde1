"""Taking an advisory's roll: the whole day in one write, and the absence notice to families."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bigpicture import notifications
from bigpicture.models import Notification, NotificationPreference, ReminderSetting
from expectations.models import AttendanceMark, AttendanceSheet
from expectations.reminders.attendance import ABSENCE_NOTICE
from expectations.services.attendance import attendance_take
from tests import factories

Status = Notification.Status


def members(advisory, count, *, days_ago=60):
    """``count`` new students in an advisory since ``days_ago`` days."""
    start = advisory.school.today() - timedelta(days=days_ago)
    return [
        factories.MembershipFactory(advisory=advisory, start_date=start).student
        for _ in range(count)
    ]


def take(world, marks, *, day=None, by=None, advisory=None):
    return attendance_take(
        advisory=advisory or world.advisory,
        day=day or world.school.today(),
        marks=marks,
        by=by or world.advisor,
    )


def marks_of(advisory):
    rows = AttendanceMark.objects.filter(sheet__advisory=advisory)
    return {(row.student_id, row.status, row.note) for row in rows}


def notices():
    return Notification.objects.filter(rule=ABSENCE_NOTICE.key)


class TestTheRoll:
    def test_a_first_save_makes_the_sheet_and_marks_only_who_was_not_present(self, world):
        late, absent = members(world.advisory, 2)
        saved = take(
            world,
            {
                world.student.pk: ("present", "a note nobody keeps"),
                late.pk: ("late", " Bus  "),
                absent.pk: ("absent", ""),
            },
        )
        sheet = AttendanceSheet.objects.get(advisory=world.advisory)
        assert (sheet.on, sheet.taken_by) == (world.school.today(), world.advisor)
        assert saved.sheet == sheet
        assert marks_of(world.advisory) == {(late.pk, "late", "Bus"), (absent.pk, "absent", "")}
        assert saved.counts == {"present": 1, "absent": 1, "late": 1, "excused": 0}

    def test_a_student_left_out_of_the_roll_is_present(self, world):
        _other, absent = members(world.advisory, 2)
        saved = take(world, {absent.pk: ("absent", "")})
        assert saved.counts["present"] == 2
        assert marks_of(world.advisory) == {(absent.pk, "absent", "")}

    def test_saving_the_same_day_again_updates_the_sheet_and_replaces_the_marks(self, world):
        (other,) = members(world.advisory, 1)
        take(world, {world.student.pk: ("absent", ""), other.pk: ("late", "")})
        take(
            world,
            {world.student.pk: ("excused", "Dentist"), other.pk: ("present", "")},
            by=world.admin,
        )
        sheet = AttendanceSheet.objects.get(advisory=world.advisory)
        assert sheet.taken_by == world.admin
        assert marks_of(world.advisory) == {(world.student.pk, "excused", "Dentist")}

    def test_an_earlier_day_is_corrected_on_its_own_sheet(self, world):
        yesterday = world.school.today() - timedelta(days=1)
        take(world, {world.student.pk: ("present", "")})
        take(world, {world.student.pk: ("late", "")}, day=yesterday)
        days = AttendanceSheet.objects.filter(advisory=world.advisory).values_list("on", flat=True)
        assert sorted(days) == [yesterday, world.school.today()]
        assert AttendanceMark.objects.get().sheet.on == yesterday

    def test_the_admin_takes_the_roll_of_any_advisory_of_the_school(self, world):
        take(
            world,
            {world.other_student.pk: ("absent", "")},
            advisory=world.other_advisory,
            by=world.admin,
        )
        assert marks_of(world.other_advisory) == {(world.other_student.pk, "absent", "")}


class TestRefused:
    @pytest.fixture
    def before(self, world):
        """A roll already saved today, which a refused save must leave as it was."""
        take(world, {world.student.pk: ("late", "Bus")})
        return marks_of(world.advisory), AttendanceSheet.objects.get().updated_at

    def _unchanged(self, world, before):
        assert (marks_of(world.advisory), AttendanceSheet.objects.get().updated_at) == before

    def test_a_day_in_the_future(self, world, before):
        tomorrow = world.school.today() + timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            take(world, {world.student.pk: ("absent", "")}, day=tomorrow)
        assert "future" in error.value.message_dict["day"][0]
        assert AttendanceSheet.objects.count() == 1
        self._unchanged(world, before)

    def test_a_student_of_another_advisory(self, world, before):
        with pytest.raises(ValidationError) as error:
            take(world, {world.student.pk: ("absent", ""), world.other_student.pk: ("absent", "")})
        assert "not in this advisory" in error.value.messages[0]
        self._unchanged(world, before)
        assert not notices().exists()

    def test_a_student_who_joined_after_the_day(self, world, before):
        (newcomer,) = members(world.advisory, 1, days_ago=0)
        yesterday = world.school.today() - timedelta(days=1)
        with pytest.raises(ValidationError):
            take(world, {newcomer.pk: ("absent", "")}, day=yesterday)
        assert AttendanceSheet.objects.count() == 1

    def test_an_unknown_answer(self, world, before):
        with pytest.raises(ValidationError) as error:
            take(world, {world.student.pk: ("asleep", "")})
        assert "present, absent, late or excused" in error.value.messages[0]
        self._unchanged(world, before)

    def test_a_note_too_long(self, world, before):
        with pytest.raises(ValidationError):
            take(world, {world.student.pk: ("excused", "x" * 301)})
        self._unchanged(world, before)

    def test_another_advisor(self, world, before):
        with pytest.raises(PermissionDenied):
            take(world, {world.student.pk: ("absent", "")}, by=world.other_advisor)
        self._unchanged(world, before)

    def test_another_schools_admin(self, world, before):
        with pytest.raises(PermissionDenied):
            take(world, {world.student.pk: ("absent", "")}, by=world.admin2)
        self._unchanged(world, before)

    def test_a_failure_late_in_the_save_leaves_nothing_half_written(self, world, before):
        failing = mock.patch(
            "expectations.services.attendance.notify_absences", side_effect=RuntimeError("down")
        )
        with failing, pytest.raises(RuntimeError):
            take(world, {world.student.pk: ("absent", "Flu")})
        self._unchanged(world, before)


class TestAbsenceNotice:
    def test_each_guardian_who_hears_from_the_school_gets_one_pending_notice(self, world):
        second = factories.GuardianLinkFactory(student=world.student)
        factories.GuardianLinkFactory(student=world.student, receives_reminders=False)
        take(world, {world.student.pk: ("absent", "")})
        rows = notices()
        assert {row.recipient_id for row in rows} == {world.guardian.pk, second.guardian_id}
        assert {row.status for row in rows} == {Status.PENDING}
        assert {row.kind for row in rows} == {"learning"}

    def test_a_guardian_who_switched_the_kind_off_gets_a_skipped_row(self, world):
        NotificationPreference.objects.create(user=world.guardian, kind="learning", delivery="off")
        take(world, {world.student.pk: ("absent", "")})
        assert notices().get().status == Status.SKIPPED

    def test_a_guardian_who_chose_the_daily_email_waits_for_it(self, world):
        NotificationPreference.objects.create(
            user=world.guardian, kind="learning", delivery="daily"
        )
        take(world, {world.student.pk: ("absent", "")})
        assert notices().get().status == Status.DIGEST

    def test_saving_the_day_twice_writes_one_notice(self, world):
        take(world, {world.student.pk: ("absent", "")})
        take(world, {world.student.pk: ("absent", "Called in sick")})
        take(world, {world.student.pk: ("present", "")})
        take(world, {world.student.pk: ("absent", "")})
        assert notices().count() == 1

    def test_another_day_is_another_notice(self, world):
        take(
            world, {world.student.pk: ("absent", "")}, day=world.school.today() - timedelta(days=1)
        )
        take(world, {world.student.pk: ("absent", "")})
        assert notices().count() == 2

    @pytest.mark.parametrize("status", ["late", "excused", "present"])
    def test_late_excused_or_present_sends_nothing(self, world, status):
        take(world, {world.student.pk: (status, "")})
        assert not notices().exists()

    def test_a_school_that_switched_the_notice_off_sends_nothing(self, world):
        ReminderSetting.objects.create(school=world.school, rule=ABSENCE_NOTICE.key, enabled=False)
        take(world, {world.student.pk: ("absent", "")})
        assert not notices().exists()

    def test_the_email_goes_out_in_the_guardians_language(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        world.guardian.language = "es"
        world.guardian.save()
        with django_capture_on_commit_callbacks(execute=True):
            take(world, {world.student.pk: ("absent", "")})
        (message,) = mailoutbox
        assert message.to == [world.guardian.email]
        assert world.student.display_name in message.subject
        assert '<html lang="es">' in message.alternatives[0][0]
        assert f"/students/{world.student.pk}/attendance/" in message.body
        assert notices().get().status == Status.SENT

    def test_a_notice_not_yet_sent_is_dropped_once_the_day_is_corrected(self, world, mailoutbox):
        take(world, {world.student.pk: ("absent", "")})
        take(world, {world.student.pk: ("excused", "The family called")})
        notifications.deliver([notices().get().pk])
        assert mailoutbox == []
        assert notices().get().status == Status.SKIPPED
