"""Enrolling students, their profiles and their families' links, called directly."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from bigpicture.models import User
from students import services
from students.models import GuardianLink, Student
from tests import factories

NOV_2026 = date(2026, 11, 2)


def _enrol(world, **changes):
    fields = {
        "school": world.school,
        "by": world.admin,
        "email": "Marisol.Vega@Example.org",
        "first_name": "Marisol",
        "last_name": "Vega",
        "graduating_class": 2030,
        "language": "es",
        **changes,
    }
    return services.student_create(**fields)


class TestStudentCreate:
    def test_enrols_a_student_without_an_advisory(self, world):
        student = _enrol(world)
        student.refresh_from_db()
        assert student.user.email == "marisol.vega@example.org"
        assert student.user.roles == {"student"}
        assert student.user.language == "es"
        assert not student.user.has_usable_password()
        assert (student.school, student.graduating_class) == (world.school, 2030)
        assert not student.memberships.exists()

    def test_enrols_a_student_into_an_advisory(self, world):
        student = _enrol(world, advisory=world.advisory, start_date=NOV_2026, graduating_class=2040)
        membership = student.memberships.get()
        assert (membership.advisory, membership.start_date) == (world.advisory, NOV_2026)
        assert membership.created_by == world.admin

    def test_without_a_start_date_the_student_joins_today(self, world):
        student = _enrol(world, advisory=world.advisory, graduating_class=2040)
        assert student.memberships.get().start_date == world.school.today()

    def test_a_full_advisory_refuses_the_enrolment_and_leaves_nothing_behind(self, world):
        world.advisory.capacity = 1
        world.advisory.save()
        with pytest.raises(ValidationError) as error:
            _enrol(world, advisory=world.advisory, start_date=NOV_2026)
        assert "full" in error.value.message_dict["advisory"][0]
        assert not User.objects.filter(email="marisol.vega@example.org").exists()

    def test_a_taken_email_in_another_case_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            _enrol(world, email=world.advisor.email.upper())
        assert "email" in error.value.message_dict
        assert not Student.objects.filter(user__first_name="Marisol").exists()

    def test_a_nonsense_graduating_class_leaves_no_account_behind(self, world):
        with pytest.raises(ValidationError):
            _enrol(world, graduating_class=30)
        assert not User.objects.filter(email="marisol.vega@example.org").exists()

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_admins_enrol(self, world, role):
        with pytest.raises(PermissionDenied):
            _enrol(world, by=world.person(role))
        assert not User.objects.filter(email="marisol.vega@example.org").exists()


class TestProfileUpdate:
    @pytest.mark.parametrize("role", ["student", "advisor", "admin"])
    def test_the_student_their_advisor_and_the_admin_may_edit(self, world, role):
        services.student_profile_update(
            student=world.student,
            by=world.person(role),
            interests="  Tide pools ",
            learning_style="Hands-on",
        )
        world.student.refresh_from_db()
        assert (world.student.interests, world.student.learning_style) == (
            "Tide pools",
            "Hands-on",
        )

    @pytest.mark.parametrize("role", ["guardian", "mentor", "admin2"])
    def test_others_may_not(self, world, role):
        with pytest.raises(PermissionDenied):
            services.student_profile_update(
                student=world.student, by=world.person(role), interests="Changed"
            )
        world.student.refresh_from_db()
        assert world.student.interests != "Changed"

    def test_another_student_and_another_advisor_may_not(self, world):
        for outsider in (world.other_student.user, world.other_advisor):
            with pytest.raises(PermissionDenied):
                services.student_profile_update(
                    student=world.student, by=outsider, interests="Changed"
                )

    def test_a_too_long_preferred_name_is_refused_on_its_field(self, world):
        with pytest.raises(ValidationError) as error:
            services.student_profile_update(
                student=world.student, by=world.student.user, preferred_name="x" * 151
            )
        assert "preferred_name" in error.value.message_dict


class TestGuardianLink:
    def _link(self, world, **changes):
        fields = {
            "student": world.unplaced,
            "by": world.admin,
            "email": " Carmen.Ortiz@Example.org ",
            "first_name": "Carmen",
            "last_name": "Ortiz",
            "language": "es",
            "relationship": GuardianLink.Relationship.MOTHER,
            **changes,
        }
        return services.guardian_link(**fields)

    def test_a_new_guardian_gets_an_account(self, world):
        link = self._link(world, is_primary_contact=True, lives_with_student=False)
        guardian = link.guardian
        assert guardian.email == "carmen.ortiz@example.org"
        assert guardian.school == world.school
        assert guardian.roles == {"guardian"}
        assert guardian.language == "es"
        assert not guardian.has_usable_password()
        assert (link.relationship, link.is_primary_contact, link.lives_with_student) == (
            "mother",
            True,
            False,
        )

    def test_a_known_guardian_is_linked_to_a_second_child(self, world):
        link = self._link(world, email=world.guardian.email.upper(), first_name="", last_name="")
        assert link.guardian == world.guardian
        assert set(world.guardian.guardian_links.values_list("student", flat=True)) == {
            world.student.pk,
            world.unplaced.pk,
        }

    def test_a_staff_member_who_is_also_a_parent_gains_the_guardian_role(self, world):
        link = self._link(world, email=world.other_advisor.email)
        world.other_advisor.refresh_from_db()
        assert link.guardian == world.other_advisor
        assert world.other_advisor.roles == {"advisor", "guardian"}

    def test_a_guardian_linked_twice_is_refused_on_the_email(self, world):
        self._link(world)
        with pytest.raises(ValidationError) as error:
            self._link(world, email="CARMEN.ORTIZ@example.org")
        assert error.value.message_dict["email"] == [
            "This guardian is already linked to this student."
        ]
        assert GuardianLink.objects.filter(student=world.unplaced).count() == 1

    def test_a_guardian_from_another_school_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            self._link(world, email=world.link2.guardian.email)
        assert error.value.message_dict["email"] == [
            "This email address cannot be used here. Check it, or use another one."
        ]
        assert not GuardianLink.objects.filter(student=world.unplaced).exists()

    def test_a_student_cannot_be_their_own_guardian(self, world):
        with pytest.raises(ValidationError) as error:
            self._link(world, email=world.unplaced.user.email)
        assert "own guardian" in error.value.message_dict["email"][0]

    def test_a_new_guardian_needs_a_name(self, world):
        with pytest.raises(ValidationError) as error:
            self._link(world, first_name=" ", last_name="")
        assert "first_name" in error.value.message_dict
        assert not User.objects.filter(email="carmen.ortiz@example.org").exists()

    def test_choosing_a_new_primary_contact_hands_the_role_over(self, world):
        new = self._link(world, student=world.student, is_primary_contact=True)
        world.link.refresh_from_db()
        assert new.is_primary_contact
        assert not world.link.is_primary_contact
        assert world.student.guardian_links.filter(is_primary_contact=True).get() == new

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_admins_link_guardians(self, world, role):
        with pytest.raises(PermissionDenied):
            self._link(world, by=world.person(role))
        assert not User.objects.filter(email="carmen.ortiz@example.org").exists()


class TestGuardianLinkUpdateAndUnlink:
    def test_making_another_guardian_primary_hands_the_role_over(self, world):
        second = factories.GuardianLinkFactory(student=world.student)
        services.guardian_link_update(
            link=second, by=world.admin, is_primary_contact=True, receives_reminders=False
        )
        world.link.refresh_from_db()
        second.refresh_from_db()
        assert (second.is_primary_contact, second.receives_reminders) == (True, False)
        assert not world.link.is_primary_contact

    def test_the_primary_contacts_of_other_students_are_untouched(self, world):
        other = factories.GuardianLinkFactory(student=world.other_student, is_primary_contact=True)
        second = factories.GuardianLinkFactory(student=world.student)
        services.guardian_link_update(link=second, by=world.admin, is_primary_contact=True)
        other.refresh_from_db()
        assert other.is_primary_contact

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_admins_change_a_link(self, world, role):
        with pytest.raises(PermissionDenied):
            services.guardian_link_update(
                link=world.link, by=world.person(role), is_primary_contact=False
            )
        world.link.refresh_from_db()
        assert world.link.is_primary_contact

    def test_unlinking_keeps_the_guardians_account(self, world):
        services.guardian_unlink(link=world.link, by=world.admin)
        assert not GuardianLink.objects.filter(pk=world.link.pk).exists()
        assert User.objects.filter(pk=world.guardian.pk).exists()

    @pytest.mark.parametrize("role", ["advisor", "student", "guardian", "mentor", "admin2"])
    def test_only_the_schools_admins_unlink(self, world, role):
        with pytest.raises(PermissionDenied):
            services.guardian_unlink(link=world.link, by=world.person(role))
        assert GuardianLink.objects.filter(pk=world.link.pk).exists()


class TestGuardianLinkInvariants:
    def test_the_database_keeps_one_link_per_pair(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            GuardianLink.objects.create(student=world.student, guardian=world.guardian)

    def test_the_database_keeps_one_primary_contact_per_student(self, world):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.GuardianLinkFactory(student=world.student, is_primary_contact=True)

    def test_clean_refuses_a_guardian_from_another_school(self, world):
        link = GuardianLink(student=world.student, guardian=world.link2.guardian)
        with pytest.raises(ValidationError, match="different schools"):
            link.full_clean()

    def test_a_students_account_must_be_of_the_same_school(self, world):
        student = Student(user=world.student2.user, school=world.school, graduating_class=2030)
        with pytest.raises(ValidationError, match="another school"):
            student.full_clean(validate_unique=False)
