"""Reads behind the advisory pages and the advisor's home."""

from datetime import date

import pytest

from advisories import selectors
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    school = factories.SchoolFactory()
    factories.SchoolYearFactory(
        school=school, name="2026-2027", start_date=date(2026, 8, 24), end_date=date(2027, 6, 18)
    )
    return school


@pytest.fixture
def advisory(school):
    return factories.AdvisoryFactory(school=school, graduating_class=2030)


def _student(school, last_name, graduating_class=2030):
    user = factories.UserFactory(school=school, is_student=True, last_name=last_name)
    return factories.StudentFactory(school=school, user=user, graduating_class=graduating_class)


class TestRoster:
    def test_lists_current_members_by_name_with_year_level_and_guardians(self, school, advisory):
        young = _student(school, "Zamora")
        old = _student(school, "Abara", graduating_class=2027)
        for student in (young, old):
            factories.MembershipFactory(advisory=advisory, student=student)
        helper = factories.GuardianLinkFactory(student=young, guardian__last_name="Aaron")
        primary = factories.GuardianLinkFactory(
            student=young, guardian__last_name="Young", is_primary_contact=True
        )
        factories.MembershipFactory(
            advisory=advisory, start_date=date(2025, 8, 25), end_date=date(2026, 8, 24)
        )

        roster = selectors.roster(advisory)

        assert [m.student.pk for m in roster] == [old.pk, young.pk]
        assert [m.student.url for m in roster] == [old.get_absolute_url(), young.get_absolute_url()]
        assert [m.student.display_name for m in roster] == [old.display_name, young.display_name]
        assert [m.student.year_level for m in roster] == [401, 101]
        assert roster[0].student.guardians == []
        guardians = roster[1].student.guardians
        assert [g.name for g in guardians] == [str(primary.guardian), str(helper.guardian)]
        assert [g.relationship_label for g in guardians] == [
            primary.relationship_label,
            helper.relationship_label,
        ]
        assert [g.is_primary_contact for g in guardians] == [True, False]
        assert [g.language for g in guardians] == [helper.guardian.language] * 2

    def test_a_school_without_a_year_shows_no_year_level(self):
        advisory = factories.AdvisoryFactory()
        factories.MembershipFactory(advisory=advisory)
        assert [m.student.year_level for m in selectors.roster(advisory)] == [None]


class TestPastMembers:
    def test_lists_those_who_left_most_recent_first(self, school, advisory):
        first = factories.MembershipFactory(
            advisory=advisory, start_date=date(2023, 8, 28), end_date=date(2024, 6, 1)
        )
        second = factories.MembershipFactory(
            advisory=advisory, start_date=date(2024, 8, 26), end_date=date(2025, 6, 1)
        )
        factories.MembershipFactory(advisory=advisory)
        assert selectors.past_members(advisory) == [second, first]


class TestAdvisoriesLedBy:
    def test_each_advisory_carries_its_own_current_roster(self, school, advisory):
        advisor = advisory.advisor
        second = factories.AdvisoryFactory(school=school, advisor=advisor, graduating_class=2029)
        factories.AdvisoryFactory(school=school)  # somebody else's
        in_first = factories.MembershipFactory.create_batch(2, advisory=advisory)
        in_second = factories.MembershipFactory(advisory=second, student__graduating_class=2029)
        factories.MembershipFactory(
            advisory=second, start_date=date(2025, 8, 25), end_date=date(2026, 1, 5)
        )

        led = selectors.advisories_led_by(advisor)

        assert {a.pk for a in led} == {advisory.pk, second.pk}
        by_pk = {a.pk: a for a in led}
        assert {m.pk for m in by_pk[advisory.pk].roster} == {m.pk for m in in_first}
        assert [m.pk for m in by_pk[second.pk].roster] == [in_second.pk]
        assert (by_pk[advisory.pk].size, by_pk[second.pk].size) == (2, 1)
        assert by_pk[second.pk].roster[0].student.year_level == 201

    def test_somebody_who_leads_no_advisory_gets_an_empty_list(self, school):
        assert selectors.advisories_led_by(factories.AdvisorFactory(school=school)) == []


class TestAdvisoryList:
    def test_admins_see_the_schools_advisories_and_advisors_their_own(self, world):
        factories.MembershipFactory.create_batch(2, advisory=world.other_advisory)

        def rows(user):
            return selectors.advisory_list_rows(selectors.advisory_list(user), world.year)

        as_admin = {a.name: a.size for a in rows(world.admin)}
        assert as_admin == {"Harbor": 1, "Summit": 3}
        assert [a.name for a in rows(world.advisor)] == ["Harbor"]
        assert rows(world.guardian) == []
        assert [a.school_id for a in rows(world.admin2)] == [world.school2.pk]

    def test_a_class_of_advisories_for_each_person(self, world):
        """The class is a small integer column: on PostgreSQL the read must be compiled with
        values it holds, or the ORM would drop the condition, and the read with it."""
        graduating_class = world.advisory.graduating_class

        def names(user, year=graduating_class):
            rows = selectors.advisory_list(user, graduating_class=year)
            return [a.name for a in selectors.advisory_list_rows(rows, world.year)]

        same_class = {
            a.name for a in world.school.advisories.filter(graduating_class=graduating_class)
        }
        assert set(names(world.admin)) == same_class and "Harbor" in same_class
        assert names(world.advisor) == ["Harbor"]
        assert names(world.advisor, graduating_class + 1) == []
        assert names(world.guardian) == []

    def test_each_row_as_the_list_shows_it(self, world):
        (row,) = selectors.advisory_list_rows(selectors.advisory_list(world.advisor), world.year)
        advisory = world.advisory
        assert row.url == advisory.get_absolute_url()
        assert row.advisor == str(advisory.advisor)
        assert row.effective_capacity == advisory.effective_capacity
        assert row.is_over_capacity == advisory.is_over_capacity
        assert row.year_level == world.year.year_level(advisory.graduating_class)
