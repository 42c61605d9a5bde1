"""The assessment reminders: an exhibition coming (to the student and the panel, once per
start time, the days tunable) and the narrative-published email's wording."""

from datetime import datetime, time, timedelta

from django.core import mail
from django.utils import timezone

from bigpicture import notifications
from bigpicture.models import Notification, ReminderSetting
from students.models import Exhibition, Panelist
from tests import factories

Role = Panelist.Role


def exhibition(world, days=2, **fields):
    shown = factories.ExhibitionFactory(
        student=world.student,
        term=world.term,
        created_by=world.advisor,
        starts_at=timezone.now() + timedelta(days=days),
        **fields,
    )
    for person, role in [
        (world.advisor, Role.ADVISOR),
        (world.guardian, Role.GUARDIAN),
        (world.mentor, Role.MENTOR),
    ]:
        Panelist.objects.create(exhibition=shown, person=person, role=role)
    Panelist.objects.create(exhibition=shown, name="Ada Park", role=Role.OUTSIDE)
    return shown


def coming():
    return Notification.objects.filter(rule="exhibition_coming")


class TestExhibitionComing:
    def test_the_student_and_every_panelist_with_an_account_hear_once(self, world):
        shown = exhibition(world)
        notifications.scan(schools=[world.school])
        notifications.scan(schools=[world.school])
        recipients = {row.recipient for row in coming()}
        assert recipients == {world.student.user, world.advisor, world.guardian, world.mentor}
        row = coming().get(recipient=world.student.user)
        assert row.context["audience"] == "student"
        assert row.context["title"] == shown.title

    def test_not_before_the_schools_number_of_days(self, world):
        exhibition(world, days=5)
        notifications.scan(schools=[world.school])
        assert not coming().exists()
        ReminderSetting.objects.create(school=world.school, rule="exhibition_coming", days=6)
        notifications.scan(schools=[world.school])
        assert coming().count() == 4

    def test_a_cancelled_or_past_exhibition_is_left_out(self, world):
        exhibition(world, status=Exhibition.Status.CANCELLED)
        exhibition(world, days=-0.1)
        notifications.scan(schools=[world.school])
        assert not coming().exists()

    def test_a_moved_exhibition_is_announced_again_and_the_old_message_is_dropped(self, world):
        shown = exhibition(world)
        notifications.scan(schools=[world.school])
        old = list(coming().values_list("pk", flat=True))
        shown.starts_at += timedelta(hours=3)
        shown.save()
        notifications.scan(schools=[world.school])
        assert coming().count() == 8
        mail.outbox.clear()
        notifications.deliver(old)
        assert mail.outbox == []
        assert set(coming().filter(pk__in=old).values_list("status", flat=True)) == {"skipped"}

    def test_the_email_gives_the_time_in_the_schools_zone(self, world):
        shown = exhibition(world)
        day = world.school.today() + timedelta(days=2)
        shown.starts_at = datetime.combine(day, time(14, 30), tzinfo=world.school.zone)
        shown.save()
        notifications.scan(schools=[world.school])
        mail.outbox.clear()
        row = coming().get(recipient=world.mentor)
        notifications.deliver([row.pk])
        [email] = mail.outbox
        assert world.student.display_name in email.subject
        assert "2:30 p.m." in email.body  # 14:30 in New York, wherever the worker runs
        assert shown.get_absolute_url() in email.body


class TestNarrativePublished:
    def test_the_family_gets_a_link_to_the_narrative(
        self, world, django_capture_on_commit_callbacks
    ):
        from students.services.assessment import narrative_publish

        narrative = factories.NarrativeFactory(
            student=world.student, term=world.term, author=world.advisor
        )
        with django_capture_on_commit_callbacks(execute=True):
            narrative_publish(narrative=narrative, by=world.advisor)
        [email] = mail.outbox
        assert email.to == [world.guardian.email]
        assert f"The advisor's narrative about {world.student.display_name}" in email.subject
        assert str(world.term) in email.body
        assert narrative.get_absolute_url() in email.body
