"""factory_boy factories for the school's people and records."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from advisories.models import Advisory, Membership
from bigpicture.models import School, SchoolYear, Term, User
from students.models import GuardianLink, Student

PASSWORD = "correct-horse-battery"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Met School {n}")
    slug = factory.Sequence(lambda n: f"met-{n}")
    time_zone = "America/New_York"


class SchoolYearFactory(DjangoModelFactory):
    class Meta:
        model = SchoolYear

    school = factory.SubFactory(SchoolFactory)
    name = "2026-2027"
    start_date = date(2026, 8, 24)
    end_date = date(2027, 6, 18)


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    school_year = factory.SubFactory(SchoolYearFactory)
    name = factory.Sequence(lambda n: f"Quarter {n}")
    start_date = date(2026, 8, 24)
    end_date = date(2026, 10, 30)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class AdminFactory(UserFactory):
    is_school_admin = True


class AdvisorFactory(UserFactory):
    is_advisor = True


class GuardianFactory(UserFactory):
    is_guardian = True


class MentorFactory(UserFactory):
    is_mentor = True


class StudentFactory(DjangoModelFactory):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(
        UserFactory, school=factory.SelfAttribute("..school"), is_student=True
    )
    graduating_class = 2028
    interests = "Marine biology, skateboard design"


class AdvisoryFactory(DjangoModelFactory):
    class Meta:
        model = Advisory

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Advisory {n}")
    advisor = factory.SubFactory(AdvisorFactory, school=factory.SelfAttribute("..school"))
    graduating_class = 2028


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    advisory = factory.SubFactory(AdvisoryFactory)
    student = factory.SubFactory(StudentFactory, school=factory.SelfAttribute("..advisory.school"))
    start_date = date(2026, 8, 24)


class GuardianLinkFactory(DjangoModelFactory):
    class Meta:
        model = GuardianLink

    student = factory.SubFactory(StudentFactory)
    guardian = factory.SubFactory(GuardianFactory, school=factory.SelfAttribute("..student.school"))
    relationship = GuardianLink.Relationship.MOTHER


def student_with_family(advisory, *, guardians=2, start_date=date(2026, 8, 24)):
    """A student placed in an advisory, with guardians linked (the first one the primary)."""
    student = MembershipFactory(advisory=advisory, start_date=start_date).student
    for number in range(guardians):
        GuardianLinkFactory(student=student, is_primary_contact=number == 0)
    return student
