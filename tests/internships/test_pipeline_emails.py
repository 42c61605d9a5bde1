"""Pipeline emails through the outbox: the family asked for consent, the mentor asked to
accept, each step told to the people concerned, in each reader's language."""

import pytest

from bigpicture import notifications
from bigpicture.models import Notification
from bigpicture.notifications.rules import KINDS, RULES
from internships.services import pipeline as services
from internships.services import visits
from tests import factories
from tests.internships.matrix_pipeline import placement, propose
from tests.internships.test_pipeline_services import RATINGS


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run an action and deliver what it wrote to the outbox, as the workers would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def _to(mailoutbox, person):
    return [m for m in mailoutbox if m.to == [person.email]]


def _rules(person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person).order_by("pk").values_list("rule", flat=True)
    )


def test_the_rules_are_of_the_internships_kind():
    assert KINDS["internships"].safety_critical is False
    for key in ("placement_consent_request", "placement_accept_request", "placement_step"):
        assert RULES[key].kind == "internships"


class TestConsentRequest:
    def test_the_guardians_are_asked_when_the_advisor_approves(self, world, sent, mailoutbox):
        world.guardian.language = "es"
        world.guardian.save()
        quiet = factories.GuardianLinkFactory(student=world.student, receives_reminders=False)
        proposed = propose(world)
        mailoutbox.clear()
        sent(lambda: services.placement_approve(placement=proposed, by=world.advisor))
        [email] = _to(mailoutbox, world.guardian)
        assert '<html lang="es">' in email.alternatives[0][0]
        assert world.student.display_name in email.subject
        assert proposed.get_absolute_url() in email.body
        assert not _to(mailoutbox, quiet.guardian)
        assert _rules(world.guardian) == ["placement_consent_request"]

    def test_in_english_for_an_english_reader(self, world, sent, mailoutbox):
        proposed = propose(world)
        sent(lambda: services.placement_approve(placement=proposed, by=world.advisor))
        [email] = _to(mailoutbox, world.guardian)
        assert email.subject.startswith("Your consent is asked")
        assert "Tuesday, Thursday" in email.body

    def test_not_sent_once_the_family_has_consented(
        self, world, sent, mailoutbox, django_capture_on_commit_callbacks
    ):
        second = factories.GuardianLinkFactory(student=world.student).guardian
        proposed = propose(world)
        with django_capture_on_commit_callbacks(execute=False):  # the workers are late
            services.placement_approve(placement=proposed, by=world.advisor)
        sent(lambda: services.placement_consent(placement=proposed, by=world.guardian))
        request = Notification.objects.get(recipient=second, rule="placement_consent_request")
        notifications.deliver([request.pk])
        request.refresh_from_db()
        assert request.status == Notification.Status.SKIPPED
        assert not [m for m in _to(mailoutbox, second) if "consent is asked" in m.subject]

    def test_asked_again_after_a_new_approval(self, world, sent, mailoutbox):
        proposed = propose(world)
        sent(lambda: services.placement_approve(placement=proposed, by=world.advisor))
        services.placement_update(placement=proposed, by=world.student.user, days=["mon"])
        sent(lambda: services.placement_approve(placement=proposed, by=world.advisor))
        requests = Notification.objects.filter(
            recipient=world.guardian, rule="placement_consent_request"
        )
        assert requests.count() == 2


class TestAcceptRequestAndSteps:
    def test_the_mentor_is_asked_when_the_family_consents(self, world, sent, mailoutbox):
        proposed = propose(world)
        services.placement_approve(placement=proposed, by=world.advisor)
        mailoutbox.clear()
        sent(lambda: services.placement_consent(placement=proposed, by=world.guardian))
        [email] = _to(mailoutbox, world.mentor)
        assert email.subject == f"A new intern to accept: {world.student.display_name}"
        assert proposed.get_absolute_url() in email.body
        assert "/internships/portal/sign-in/" in email.body  # mentors keep no password
        # the student and the advisor hear that the family consented; the guardian acted
        assert [m.subject for m in _to(mailoutbox, world.student.user)] == [
            f"Family consent given: {world.student.display_name} at {proposed.site}"
        ]
        assert len(_to(mailoutbox, world.advisor)) == 1
        assert not _to(mailoutbox, world.guardian)

    def test_the_advisor_hears_of_the_students_proposal(self, world, sent, mailoutbox):
        proposed = sent(lambda: propose(world))
        [email] = _to(mailoutbox, world.advisor)
        assert "Internship proposed" in email.subject
        assert not _to(mailoutbox, world.student.user)
        assert proposed.get_absolute_url() in email.body

    def test_the_proposer_hears_a_proposal_was_sent_back(self, world, sent, mailoutbox):
        proposed = propose(world)
        mailoutbox.clear()
        sent(
            lambda: services.placement_send_back(
                placement=proposed, by=world.advisor, note="Two days, not three"
            )
        )
        [email] = _to(mailoutbox, world.student.user)
        assert "sent back" in email.subject
        assert "Two days, not three" in email.body

    def test_the_mentor_accepting_tells_the_student_advisor_and_family(
        self, world, sent, mailoutbox
    ):
        proposed = propose(world)
        services.placement_approve(placement=proposed, by=world.advisor)
        services.placement_consent(placement=proposed, by=world.guardian)
        mailoutbox.clear()
        sent(lambda: services.placement_accept(placement=proposed, by=world.mentor))
        told = sorted(m.to[0] for m in mailoutbox)
        assert told == sorted([world.student.user.email, world.advisor.email, world.guardian.email])
        assert all("Internship started" in m.subject for m in mailoutbox)

    def test_ending_early_tells_the_mentor_once_they_were_asked(self, world, sent, mailoutbox):
        running = placement(world, consented_by=world.guardian, consented_at="2026-01-01T00:00Z")
        sent(lambda: services.placement_end(placement=running, by=world.advisor, note="Moved away"))
        told = {m.to[0] for m in mailoutbox}
        assert told == {world.student.user.email, world.guardian.email, world.mentor.email}
        assert all("Moved away" in m.body for m in mailoutbox)

    def test_a_proposal_ended_early_is_not_the_familys_business(self, world, sent, mailoutbox):
        proposed = propose(world)
        mailoutbox.clear()
        sent(lambda: services.placement_end(placement=proposed, by=world.advisor, note="No"))
        assert {m.to[0] for m in mailoutbox} == {world.student.user.email}

    def test_an_evaluation_tells_the_student_and_the_advisor_once(self, world, sent, mailoutbox):
        running = placement(world)
        for _time in range(2):
            sent(
                lambda: visits.evaluation_write(
                    placement=running, by=world.mentor, semester=1, ratings=RATINGS
                )
            )
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [world.student.user.email, world.advisor.email]
        )
        assert "first semester" in mailoutbox[0].body
