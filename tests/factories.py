"""factory_boy factories for the school's people and records."""

from datetime import date, datetime, timedelta

import factory
from factory.django import DjangoModelFactory

from advisories.models import Advisory, Membership
from bigpicture.models import School, SchoolYear, Term, User
from expectations.models import (
    AttendanceMark,
    AttendanceSheet,
    CheckIn,
    Expectation,
    Rating,
    Reflection,
    WorkTag,
)
from internships.models import DailyLog, Mentor, Opportunity, Placement, Site
from students.models import (
    Exhibition,
    GuardianLink,
    LearningGoal,
    LearningPlan,
    Narrative,
    PlanItem,
    PlanMeeting,
    Student,
)

PASSWORD = "correct-horse-battery"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Met School {n}")
    slug = factory.Sequence(lambda n: f"met-{n}")
    time_zone = "America/New_York"
    # Tests sign staff in with force_login; those of the second factor turn it on.
    second_factor_for_admins = False


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
    # No quiet hours unless a test sets them: messages go out whatever the time of the run.
    quiet_hours_start = None
    quiet_hours_end = None


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


class PlanFactory(DjangoModelFactory):
    """A student's learning plan for a term (give both: the term must be the school's)."""

    class Meta:
        model = LearningPlan

    student = factory.SubFactory(StudentFactory)
    term = factory.SubFactory(
        TermFactory, school_year__school=factory.SelfAttribute("...student.school")
    )
    interests = "Building things that float"
    life_goals = "Marine engineer"


class PlanItemFactory(DjangoModelFactory):
    class Meta:
        model = PlanItem
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    what = "Design and test a hull"
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def goals(self, create, codes, **kwargs):
        """PlanItemFactory(goals=["empirical"]): tie the item to learning goals by code."""
        if create and codes:
            self.learning_goals.set(LearningGoal.objects.filter(code__in=codes))


def soon(days: int = 7, hour: int = 15) -> datetime:
    """An aware datetime some days from now, at a given hour (for meetings, exhibitions)."""
    from django.utils import timezone

    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = PlanMeeting

    student = factory.SubFactory(StudentFactory)
    term = factory.SubFactory(
        TermFactory, school_year__school=factory.SelfAttribute("...student.school")
    )
    advisor = factory.SubFactory(AdvisorFactory, school=factory.SelfAttribute("..student.school"))
    starts_at = factory.LazyFunction(soon)
    place = "Room 12"
    agenda = "Review the term's goals"


class NarrativeFactory(DjangoModelFactory):
    class Meta:
        model = Narrative

    student = factory.SubFactory(StudentFactory)
    term = factory.SubFactory(
        TermFactory, school_year__school=factory.SelfAttribute("...student.school")
    )
    kind = Narrative.Kind.ADVISOR
    author = factory.SubFactory(AdvisorFactory, school=factory.SelfAttribute("..student.school"))
    sections = factory.LazyFunction(lambda: {"communication": "Speaks with growing confidence."})


class ExhibitionFactory(DjangoModelFactory):
    class Meta:
        model = Exhibition

    student = factory.SubFactory(StudentFactory)
    term = factory.SubFactory(
        TermFactory, school_year__school=factory.SelfAttribute("...student.school")
    )
    title = "What floats and why"
    starts_at = factory.LazyFunction(lambda: soon(days=14, hour=10))
    room = "Commons"
    created_by = factory.SubFactory(
        AdvisorFactory, school=factory.SelfAttribute("..student.school")
    )


# --- internships -------------------------------------------------------------------------------


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["school", "organization"]

    school = factory.SubFactory(SchoolFactory)
    organization = factory.Sequence(lambda n: f"Harbor Workshop {n}")
    address = "12 Water Street"
    cluster = "manufacturing"
    safety_reviewed_on = date(2026, 8, 1)


class MentorProfileFactory(DjangoModelFactory):
    """A mentor at a site, with a cleared background check valid for a year from today."""

    class Meta:
        model = Mentor

    site = factory.SubFactory(SiteFactory)
    user = factory.SubFactory(MentorFactory, school=factory.SelfAttribute("..site.school"))
    job_title = "Lead welder"
    background_check = Mentor.Check.CLEARED
    # Days are the school's (a school's date differs from the machine's near midnight).
    checked_on = factory.LazyAttribute(lambda o: o.site.school.today() - timedelta(days=30))
    check_expires_on = factory.LazyAttribute(lambda o: o.site.school.today() + timedelta(days=335))


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity

    site = factory.SubFactory(SiteFactory)
    mentor = factory.SubFactory(MentorProfileFactory, site=factory.SelfAttribute("..site"))
    title = factory.Sequence(lambda n: f"Apprentice {n}")
    description = "Help build and repair boats"
    interests = "boats, welding, engines"


class PlacementFactory(DjangoModelFactory):
    """An internship; active by default, running from a month ago to two months ahead."""

    class Meta:
        model = Placement

    student = factory.SubFactory(StudentFactory)
    site = factory.SubFactory(SiteFactory, school=factory.SelfAttribute("..student.school"))
    mentor = factory.SubFactory(MentorProfileFactory, site=factory.SelfAttribute("..site"))
    status = Placement.Status.ACTIVE
    project = "Restore a wooden dinghy"
    days = factory.LazyFunction(lambda: ["tue", "thu"])
    start_on = factory.LazyAttribute(lambda o: o.student.school.today() - timedelta(days=30))
    end_on = factory.LazyAttribute(lambda o: o.student.school.today() + timedelta(days=60))
    proposed_by = factory.SelfAttribute("student.user")


class DailyLogFactory(DjangoModelFactory):
    class Meta:
        model = DailyLog

    placement = factory.SubFactory(PlacementFactory)
    on = factory.LazyAttribute(lambda o: o.placement.student.school.today() - timedelta(days=1))
    goal = "Sand the hull"
    did = "Sanded and primed the hull"
    reflection = "Patience matters"
    hours = 4
    learning = 4
    engagement = 5
    support = 4


def expectation(key: str = "relevance") -> Expectation:
    """One of the ten expectations the data migration seeded."""
    return Expectation.objects.get(key=key)


class ReflectionFactory(DjangoModelFactory):
    """A student's own reflection on a term (pass ``author`` and ``perspective`` for a
    family's or an advisor's)."""

    class Meta:
        model = Reflection

    student = factory.SubFactory(StudentFactory)
    term = factory.SubFactory(
        TermFactory, school_year__school=factory.SelfAttribute("...student.school")
    )
    author = factory.SelfAttribute("student.user")
    perspective = Reflection.Perspective.STUDENT


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = Rating

    reflection = factory.SubFactory(ReflectionFactory)
    expectation = factory.LazyFunction(expectation)
    score = 4


class AttendanceSheetFactory(DjangoModelFactory):
    class Meta:
        model = AttendanceSheet

    advisory = factory.SubFactory(AdvisoryFactory)
    on = factory.LazyAttribute(lambda o: o.advisory.school.today())
    taken_by = factory.SelfAttribute("advisory.advisor")


class AttendanceMarkFactory(DjangoModelFactory):
    class Meta:
        model = AttendanceMark

    sheet = factory.SubFactory(AttendanceSheetFactory)
    student = factory.SubFactory(
        StudentFactory, school=factory.SelfAttribute("..sheet.advisory.school")
    )
    status = AttendanceMark.Status.ABSENT


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    student = factory.SubFactory(StudentFactory)
    advisor = factory.SubFactory(AdvisorFactory, school=factory.SelfAttribute("..student.school"))
    on = factory.LazyAttribute(lambda o: o.student.school.today())
    talked_about = "How the internship search is going"


class WorkTagFactory(DjangoModelFactory):
    """A goal of a student's plan tagged with an expectation."""

    class Meta:
        model = WorkTag

    item = factory.SubFactory(PlanItemFactory)
    student = factory.SelfAttribute("item.plan.student")
    expectation = factory.LazyFunction(expectation)
