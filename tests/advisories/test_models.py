"""Invariants of advisories and of students' memberships in them, down to the database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from advisories.models import Advisory, Membership
from tests import factories

pytestmark = pytest.mark.django_db

AUG_2026 = date(2026, 8, 24)


@pytest.fixture
def school():
    return factories.SchoolFactory(advisory_capacity=3)


@pytest.fixture
def advisory(school):
    return factories.AdvisoryFactory(school=school)


@pytest.fixture
def student(school):
    return factories.StudentFactory(school=school)


class TestAdvisory:
    def test_capacity_defaults_to_the_schools_setting(self, school, advisory):
        assert advisory.capacity is None
        assert advisory.effective_capacity == 3
        school.advisory_capacity = 18
        school.save()
        assert Advisory.objects.get(pk=advisory.pk).effective_capacity == 18

    def test_its_own_capacity_wins_over_the_schools(self, school):
        assert factories.AdvisoryFactory(school=school, capacity=12).effective_capacity == 12

    def test_full_and_over_capacity_count_current_members_only(self, advisory):
        factories.MembershipFactory.create_batch(2, advisory=advisory)
        factories.MembershipFactory(
            advisory=advisory, start_date=date(2025, 8, 25), end_date=AUG_2026
        )
        assert (advisory.current_size(), advisory.is_full) == (2, False)

        factories.MembershipFactory(advisory=advisory)
        assert (advisory.is_full, advisory.is_over_capacity) == (True, False)

        factories.MembershipFactory(
            advisory=advisory, over_capacity_override=True, override_reason="Sibling"
        )
        annotated = Advisory.objects.with_size().get(pk=advisory.pk)
        assert annotated.size == 4
        assert annotated.is_over_capacity

    def test_the_advisor_must_be_an_advisor_of_the_school(self, school):
        elsewhere = factories.AdvisorFactory()
        with pytest.raises(ValidationError) as error:
            factories.AdvisoryFactory.build(school=school, advisor=elsewhere).full_clean()
        assert "must work at this school" in error.value.message_dict["advisor"][0]

        mentor = factories.MentorFactory(school=school)
        with pytest.raises(ValidationError) as error:
            factories.AdvisoryFactory.build(school=school, advisor=mentor).full_clean()
        assert "This person is not an advisor." in error.value.message_dict["advisor"]

    def test_names_are_unique_within_a_school_only(self, school, advisory):
        factories.AdvisoryFactory(name=advisory.name)  # another school
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.AdvisoryFactory(school=school, name=advisory.name)

    @pytest.mark.parametrize(
        "fields", [{"capacity": 0}, {"graduating_class": 29}, {"graduating_class": 20290}]
    )
    def test_the_database_refuses_nonsense_numbers(self, school, fields):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.AdvisoryFactory(school=school, **fields)


class TestMembership:
    def test_the_database_keeps_one_open_membership_per_student(self, advisory, student):
        Membership.objects.create(advisory=advisory, student=student, start_date=AUG_2026)
        other = factories.AdvisoryFactory(school=advisory.school)
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(advisory=other, student=student, start_date=date(2027, 1, 4))
        assert Membership.objects.filter(student=student).count() == 1

    def test_a_second_open_membership_is_explained_by_clean(self, advisory, student):
        Membership.objects.create(advisory=advisory, student=student, start_date=AUG_2026)
        other = factories.AdvisoryFactory(school=advisory.school)
        second = Membership(advisory=other, student=student, start_date=date(2027, 1, 4))
        with pytest.raises(ValidationError) as error:
            second.full_clean()
        assert "already in" in str(error.value)

    def test_clean_refuses_any_overlap_with_past_memberships(self, advisory, student):
        Membership.objects.create(
            advisory=advisory, student=student, start_date=date(2024, 8, 26), end_date=AUG_2026
        )
        other = factories.AdvisoryFactory(school=advisory.school)
        overlapping = Membership(
            advisory=other, student=student, start_date=date(2025, 1, 6), end_date=date(2025, 6, 1)
        )
        with pytest.raises(ValidationError, match="another advisory during these dates"):
            overlapping.full_clean()
        # starting on the day the last one ended is not an overlap
        Membership(advisory=other, student=student, start_date=AUG_2026).full_clean()

    @pytest.mark.postgres
    def test_the_database_refuses_overlapping_closed_memberships(self, advisory, student):
        Membership.objects.create(
            advisory=advisory, student=student, start_date=date(2024, 8, 26), end_date=AUG_2026
        )
        other = factories.AdvisoryFactory(school=advisory.school)
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(
                advisory=other,
                student=student,
                start_date=date(2025, 1, 6),
                end_date=date(2025, 6, 1),
            )
        # back-to-back ranges do not overlap
        Membership.objects.create(
            advisory=other, student=student, start_date=AUG_2026, end_date=date(2027, 6, 18)
        )
        assert Membership.objects.filter(student=student).count() == 2

    def test_the_database_refuses_an_end_before_the_start(self, advisory, student):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(
                advisory=advisory, student=student, start_date=AUG_2026, end_date=date(2026, 8, 1)
            )

    def test_clean_explains_an_end_before_the_start(self, advisory, student):
        membership = Membership(
            advisory=advisory, student=student, start_date=AUG_2026, end_date=date(2026, 8, 1)
        )
        with pytest.raises(ValidationError, match="cannot come before the start date"):
            membership.full_clean()

    def test_the_database_refuses_an_override_without_a_reason(self, advisory, student):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(
                advisory=advisory, student=student, start_date=AUG_2026, over_capacity_override=True
            )

    def test_student_and_advisory_must_share_a_school(self, advisory):
        outsider = factories.StudentFactory()
        membership = Membership(advisory=advisory, student=outsider, start_date=AUG_2026)
        with pytest.raises(ValidationError, match="different schools"):
            membership.full_clean()

    def test_on_a_day_finds_the_memberships_running_then(self, advisory, student):
        past = Membership.objects.create(
            advisory=advisory, student=student, start_date=date(2024, 8, 26), end_date=AUG_2026
        )
        now = Membership.objects.create(
            advisory=factories.AdvisoryFactory(school=advisory.school),
            student=student,
            start_date=AUG_2026,
        )
        memberships = Membership.objects.filter(student=student)
        assert list(memberships.on(date(2025, 3, 1))) == [past]
        assert list(memberships.on(AUG_2026)) == [now]  # the end date is the first day out
        assert list(memberships.on(date(2024, 8, 25))) == []
        assert list(memberships.current()) == [now]
        assert (past.is_current, now.is_current) == (False, True)
