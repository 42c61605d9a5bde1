"""The daily log is reachable: the student's home offers today's check-out once checked in,
the internship page links to its days and hours and to its messages for whoever may open
them, and a family reaches each child's hours from the home."""

import html
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from internships.models import DailyLog, Placement
from tests import factories

ROLES = ["admin", "advisor", "student", "guardian", "mentor", "admin2"]
HOME = reverse("bigpicture:home")


def _href(name: str, pk: int) -> str:
    return f'href="{reverse(name, args=[pk])}"'


def _queries(client, url) -> int:
    cache.clear()  # the school's shared data read afresh
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.fixture
def placement(world):
    return factories.PlacementFactory(
        student=world.student, mentor=world.mentor_profile, site=world.mentor_profile.site
    )


def _student_home(client_as) -> str:
    response = client_as("student").get(HOME)
    assert response.status_code == 200
    return response.content.decode()


class TestStudentHome:
    def test_before_checking_in_it_offers_the_check_in_and_the_days(self, client_as, placement):
        # Yesterday's open day is not today's: the home still offers today's check-in.
        factories.DailyLogFactory(placement=placement, hours=None, did="")
        page = _student_home(client_as)
        assert _href("internships:log-check-in", placement.pk) in page
        assert "/check-out/" not in page
        assert _href("internships:placement-logs", placement.pk) in page

    def test_once_checked_in_it_offers_the_check_out_not_a_second_check_in(
        self, client_as, placement, world
    ):
        client = client_as("student")
        response = client.post(
            reverse("internships:log-check-in", args=[placement.pk]),
            {"on": world.school.today().isoformat(), "goal": "Caulk the seams"},
        )
        assert response.status_code == 302
        log = DailyLog.objects.get(placement=placement)
        page = _student_home(client_as)
        assert _href("internships:log-check-out", log.pk) in page
        assert ">Check out</a>" in page
        assert _href("internships:log-check-in", placement.pk) not in page
        assert "Check out at the end of the day" in page

    def test_once_checked_out_the_day_may_be_changed_until_the_mentor_reviews_it(
        self, client_as, placement, world
    ):
        log = factories.DailyLogFactory(
            placement=placement, on=world.school.today(), checked_out_at=timezone.now()
        )
        page = _student_home(client_as)
        assert "Today is logged." in page
        assert _href("internships:log-check-in", placement.pk) not in page
        assert _href("internships:log-check-out", log.pk) in page
        assert "Change today's check-out" in page

        log.review = DailyLog.Review.CONFIRMED
        log.save()
        page = _student_home(client_as)
        assert "Today is logged." in page
        assert "/check-out/" not in page
        assert _href("internships:log-check-in", placement.pk) not in page

    def test_an_internship_on_its_way_has_no_days_yet(self, client_as, placement):
        placement.status = Placement.Status.CONSENTED
        placement.save()
        page = _student_home(client_as)
        assert "/check-in/" not in page
        assert _href("internships:placement-logs", placement.pk) not in page
        assert _href("internships:placement-detail", placement.pk) in page

    def test_todays_day_costs_no_query_more(self, client_as, placement, world):
        client = client_as("student")
        without = _queries(client, HOME)
        for days in range(1, 20):
            factories.DailyLogFactory(
                placement=placement, on=world.school.today() - timedelta(days)
            )
        factories.DailyLogFactory(placement=placement, on=world.school.today())
        assert _queries(client, HOME) == without


class TestGuardianHome:
    def test_a_child_with_an_internship_has_a_link_to_its_days_and_hours(
        self, client_as, placement, world
    ):
        other = factories.MembershipFactory(advisory=world.other_advisory).student
        factories.GuardianLinkFactory(student=other, guardian=world.guardian)
        proposed = factories.PlacementFactory(student=other, status=Placement.Status.PROPOSED)
        client = client_as("guardian")
        page = client.get(HOME).content.decode()
        assert _href("internships:placement-logs", placement.pk) in page
        assert f"{html.escape(world.student.display_name)}'s days and hours" in page
        assert _href("internships:placement-logs", proposed.pk) not in page
        # The link opens: families follow their child's learning, read-only.
        response = client.get(reverse("internships:placement-logs", args=[placement.pk]))
        assert response.status_code == 200
        assert "/check-in/" not in response.content.decode()

    def test_the_active_internship_is_shown_before_an_earlier_one(
        self, client_as, placement, world
    ):
        earlier = factories.PlacementFactory(
            student=world.student,
            status=Placement.Status.COMPLETED,
            start_on=placement.start_on + timedelta(days=5),
        )
        ended_unstarted = factories.PlacementFactory(
            student=world.student,
            status=Placement.Status.ENDED,
            end_reason="The boatyard closed before the first day",
            start_on=placement.start_on + timedelta(days=9),
        )
        page = client_as("guardian").get(HOME).content.decode()
        assert _href("internships:placement-logs", placement.pk) in page
        assert _href("internships:placement-logs", earlier.pk) not in page
        assert _href("internships:placement-logs", ended_unstarted.pk) not in page

        placement.status = Placement.Status.ENDED
        placement.end_reason = "The mentor moved away"
        placement.save()
        page = client_as("guardian").get(HOME).content.decode()
        assert _href("internships:placement-logs", earlier.pk) in page

    def test_the_home_costs_the_same_for_two_children_and_twenty(self, client_as, placement, world):
        client = client_as("guardian")
        other = factories.MembershipFactory(advisory=world.other_advisory).student
        factories.GuardianLinkFactory(student=other, guardian=world.guardian)
        small = _queries(client, HOME)
        children = []
        for _ in range(18):
            child = factories.MembershipFactory(advisory=world.advisory).student
            factories.GuardianLinkFactory(student=child, guardian=world.guardian)
            children.append(factories.PlacementFactory(student=child))
        assert _queries(client, HOME) == small
        page = client.get(HOME).content.decode()
        assert all(_href("internships:placement-logs", p.pk) in page for p in children)


class TestPlacementPageLinks:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_days_and_the_messages_are_linked_for_whoever_may_open_them(
        self, client, world, placement, role
    ):
        client.force_login(world.person(role))
        page = client.get(reverse("internships:placement-detail", args=[placement.pk]))
        if page.status_code != 200:
            assert role == "admin2"
            return
        content = page.content.decode()
        for name in ("internships:placement-logs", "internships:placement-messages"):
            opens = client.get(reverse(name, args=[placement.pk])).status_code == 200
            assert (_href(name, placement.pk) in content) == opens, (role, name)

    def test_an_internship_before_its_start_has_no_days_to_link(self, client_as, placement):
        placement.status = Placement.Status.APPROVED
        placement.save()
        page = client_as("advisor").get(
            reverse("internships:placement-detail", args=[placement.pk])
        )
        content = page.content.decode()
        assert _href("internships:placement-logs", placement.pk) not in content
        assert _href("internships:placement-messages", placement.pk) in content

    @pytest.mark.parametrize(
        ("status", "consented", "linked"),
        [
            (Placement.Status.CONSENTED, True, True),
            (Placement.Status.COMPLETED, True, True),
            (Placement.Status.ENDED, True, True),
            (Placement.Status.ENDED, False, False),
        ],
    )
    def test_the_mentor_has_the_messages_from_the_familys_consent_on(
        self, client, world, placement, status, consented, linked
    ):
        placement.status = status
        placement.consented_at = timezone.now() if consented else None
        placement.end_reason = "The site closed" if status == Placement.Status.ENDED else ""
        placement.save()
        # The mentor is also the student's guardian, so the page opens whatever the state.
        factories.GuardianLinkFactory(student=world.student, guardian=world.mentor)
        world.mentor.is_guardian = True
        world.mentor.save()
        client.force_login(world.mentor)
        page = client.get(reverse("internships:placement-detail", args=[placement.pk]))
        assert page.status_code == 200
        messages = reverse("internships:placement-messages", args=[placement.pk])
        assert (f'href="{messages}"' in page.content.decode()) == linked
        assert (client.get(messages).status_code == 200) == linked

    def test_a_family_reaches_the_days_from_the_childs_internships(
        self, client_as, world, placement
    ):
        proposed = factories.PlacementFactory(
            student=world.student, status=Placement.Status.PROPOSED
        )
        page = client_as("guardian").get(
            reverse("internships:student-internships", args=[world.student.pk])
        )
        content = page.content.decode()
        assert _href("internships:placement-logs", placement.pk) in content
        assert _href("internships:placement-logs", proposed.pk) not in content
