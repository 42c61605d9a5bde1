"""Opportunities suggested to a student from the interests in their profile and this term's
learning plan: what matches, in which order, and at a fixed cost."""

from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from internships.selectors import directory as selectors
from tests import factories


def _suggested(world) -> list[str]:
    return [o.title for o in selectors.suggestions(world.student.user, world.student)]


def _offer(world, title, interests="", **fields):
    return factories.OpportunityFactory(
        site=world.mentor_profile.site,
        mentor=world.mentor_profile,
        title=title,
        interests=interests,
        **fields,
    )


class TestInterestWords:
    def test_words_are_plain_and_say_something(self):
        words = selectors.interest_words("I like Boats, the LIBRARIES and 3D printing!")
        assert words == {"boat": "boats", "library": "libraries", "printing": "printing"}


class TestSuggestions:
    def test_best_matches_first_from_profile_and_plan(self, world):
        world.student.interests = "Marine biology, boats"
        world.student.save()
        factories.PlanFactory(
            student=world.student, term=world.term, interests="Welding and engines"
        )
        _offer(world, "Engine room helper", "engines, welding, boats")  # three shared words
        _offer(world, "Aquarium guide", "marine biology")  # two
        _offer(world, "Dock hand", "boat")  # one ("boat" is "boats")
        _offer(world, "Accountant", "spreadsheets, taxes")  # none
        assert _suggested(world) == ["Engine room helper", "Aquarium guide", "Dock hand"]
        best = selectors.suggestions(world.student.user, world.student)[0]
        assert best.matched == ["boats", "welding", "engines"]

    def test_a_word_of_the_title_counts_too(self, world):
        world.student.interests = "photography"
        world.student.save()
        _offer(world, "Photography assistant", "")
        assert _suggested(world) == ["Photography assistant"]

    def test_only_the_current_terms_plan_counts(self, world):
        world.student.interests = ""
        world.student.save()
        old_term = factories.TermFactory(
            school_year=world.year,
            name="Long ago",
            start_date=date(2021, 1, 4),
            end_date=date(2021, 3, 26),
        )
        factories.PlanFactory(student=world.student, term=old_term, interests="gardening")
        _offer(world, "Greenhouse", "gardening")
        assert _suggested(world) == []

    def test_closed_opportunities_and_other_schools_are_not_suggested(self, world):
        world.student.interests = "boats"
        world.student.save()
        _offer(world, "Closed boats", "boats", is_open=False)
        factories.OpportunityFactory(
            site__school=world.school2, title="Other school boats", interests="boats"
        )
        hidden = factories.SiteFactory(school=world.school, status="inactive")
        factories.OpportunityFactory(
            site=hidden, mentor=None, title="Old site boats", interests="boats"
        )
        assert _suggested(world) == []

    def test_a_part_of_a_longer_word_is_not_a_match(self, world):
        world.student.interests = "art"
        world.student.save()
        _offer(world, "Party planner", "parties, events")
        assert _suggested(world) == []

    def test_nothing_to_match_nothing_suggested(self, world):
        world.student.interests = "the and of"
        world.student.save()
        _offer(world, "Dock hand", "boats")
        assert _suggested(world) == []

    def test_the_student_page_shows_them_in_a_fixed_number_of_queries(self, client_as, world):
        world.student.interests = "boats, engines"
        world.student.save()
        factories.PlanFactory(student=world.student, term=world.term, interests="welding")
        client = client_as("student")
        url = reverse("internships:opportunity-list")
        _offer(world, "Dock hand", "boats")
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as few:
            page = client.get(url).content.decode()
        assert "Suggested for you" in page and "Matches your interests: boats" in page
        for number in range(25):
            _offer(world, f"Welder {number}", "welding, boats, engines")
        cache.clear()  # the school's shared data read afresh
        with CaptureQueriesContext(connection) as many:
            page = client.get(url).content.decode()
        assert "Matches your interests: boats, engines, welding" in page
        assert len(many) == len(few)

    def test_staff_get_no_suggestions(self, client_as, world):
        _offer(world, "Dock hand", "boats")
        page = client_as("advisor").get(reverse("internships:opportunity-list")).content.decode()
        assert "Suggested for you" not in page
