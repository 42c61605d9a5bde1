"""axe-core on every main page of every role: no serious or critical WCAG 2.1 AA violation."""

import pytest
from django.urls import reverse

from advisories.models import Advisory
from bigpicture.models import School, User
from expectations.models import Expectation
from students.models import (
    Exhibition,
    GuardianLink,
    LearningPlan,
    Narrative,
    PlanMeeting,
    Student,
)


def _learning_pages(student: Student, *, author: bool = False, lead: bool = False) -> list[str]:
    """The learning pages about one student: plans, meetings, narratives, exhibitions."""
    plan = LearningPlan.objects.filter(student=student).order_by("-term__start_date").first()
    item = plan.items.order_by("position").first()
    revision = plan.revisions.order_by("-at").first()
    meeting = PlanMeeting.objects.filter(student=student).order_by("-starts_at").first()
    narrative = Narrative.objects.filter(student=student, published_at__isnull=False).first()
    exhibition = Exhibition.objects.filter(student=student, status="held").first()
    pages = [
        reverse("students:plan-list", args=[student.pk]),
        plan.get_absolute_url(),
        reverse("students:plan-history", args=[plan.pk]),
        reverse("students:revision-detail", args=[revision.pk]),
        reverse("students:meeting-list", args=[student.pk]),
        reverse("students:narrative-list", args=[student.pk]),
        narrative.get_absolute_url(),
        reverse("students:exhibition-list", args=[student.pk]),
        exhibition.get_absolute_url(),
        reverse("students:calendar"),
    ]
    if meeting is not None:
        pages.append(meeting.get_absolute_url())
    if author:
        pages += [
            reverse("students:plan-update", args=[plan.pk]),
            reverse("students:item-create", args=[plan.pk]),
            reverse("students:item-update", args=[item.pk]),
            reverse("students:item-delete", args=[item.pk]),
            reverse("students:progress-create", args=[item.pk]),
            reverse("students:evidence-create", args=[item.pk]),
            reverse("students:narrative-create", args=[student.pk]),
        ]
    if lead:
        pages += [
            reverse("students:plan-review", args=[plan.pk]),
            reverse("students:meeting-create", args=[student.pk]),
            reverse("students:narrative-create", args=[student.pk]) + "?kind=advisor",
            reverse("students:exhibition-create", args=[student.pk]),
            reverse("students:exhibition-update", args=[exhibition.pk]),
            reverse("students:exhibition-result", args=[exhibition.pk]),
            reverse("students:exhibition-feedback", args=[exhibition.pk]),
        ]
        if meeting is not None:
            pages += [
                reverse("students:meeting-update", args=[meeting.pk]),
                reverse("students:meeting-record", args=[meeting.pk]),
            ]
    return pages


def _internship_pages(role: str, logins) -> list[str]:
    """The internship pages each role works with, on the demo school's rows."""
    from internships.models import DailyLog, Mentor, Opportunity, Placement, Site

    student = Student.objects.get(user__email=logins.student)
    placement = Placement.objects.get(student=student, status="active")
    url = lambda name, *args: reverse(f"internships:{name}", args=args)  # noqa: E731
    shared = [
        url("student-internships", student.pk),
        placement.get_absolute_url(),
        url("placement-logs", placement.pk),
    ]
    if role in ("admin", "advisor"):
        advisory = Advisory.objects.get(advisor__email=logins.advisor)
        site, mentor = Site.objects.first(), Mentor.objects.first()
        opportunity = Opportunity.objects.first()
        pages = [
            *shared,
            url("advisory-internships", advisory.pk),
            url("site-list"),
            url("site-detail", site.pk),
            url("mentor-list"),
            url("mentor-detail", mentor.pk),
            url("opportunity-list"),
            url("opportunity-create"),
            url("opportunity-detail", opportunity.pk),
            url("opportunity-update", opportunity.pk),
            url("placement-messages", placement.pk),
            url("visit-create", placement.pk),
            url("placement-propose", student.pk),
            url("exploration-create", student.pk),
        ]
        if role == "admin":
            school = student.school
            pages += [
                url("site-create"),
                url("site-update", site.pk),
                url("mentor-create"),
                url("mentor-update", mentor.pk),
                url("hours-targets", school.pk),
            ]
        return pages
    if role == "student":
        claimed = placement.logs.filter(review=DailyLog.Review.CLAIMED).first()
        return [
            *shared,
            url("log-check-in", placement.pk),
            url("log-check-out", claimed.pk),
            url("opportunity-list"),
            url("site-propose"),
            url("exploration-create", student.pk),
            url("placement-propose", student.pk),
        ]
    if role == "guardian":
        waiting = Placement.objects.get(
            student__guardian_links__guardian__email=logins.guardian, status="approved"
        )
        return [*shared, waiting.get_absolute_url(), url("student-internships", waiting.student_id)]
    claimed = placement.logs.filter(review=DailyLog.Review.CLAIMED, checked_out_at__isnull=False)
    return [
        url("mentor-internships"),
        url("mentor-logs"),
        placement.get_absolute_url(),
        url("placement-logs", placement.pk),
        url("log-review", claimed.first().pk),
        url("evaluation-write", placement.pk),
        url("placement-messages", placement.pk),
    ]


def _main_pages(role: str, logins) -> list[str]:
    school = School.objects.get(slug="demo")
    if role == "admin":
        student = Student.objects.filter(school=school).first()
        link = GuardianLink.objects.filter(student=student).first()
        advisory = Advisory.objects.filter(school=school).first()
        advisor = User.objects.get(email=logins.advisor)
        return [
            "/",
            f"/schools/{school.pk}/",
            f"/schools/{school.pk}/settings/",
            f"/schools/{school.pk}/years/",
            "/people/",
            "/people/new/",
            f"/people/{advisor.pk}/edit/",
            "/advisories/",
            "/advisories/new/",
            f"/advisories/{advisory.pk}/",
            f"/advisories/{advisory.pk}/edit/",
            "/students/",
            "/students/?unplaced=1",
            "/students/new/",
            f"/students/{student.pk}/",
            f"/students/{student.pk}/move/",
            f"/students/{student.pk}/guardians/add/",
            f"/students/guardians/{link.pk}/edit/",
            f"/students/guardians/{link.pk}/remove/",
            "/preferences/",
            "/accounts/password_change/",
            f"/schools/{school.pk}/reminders/",
            f"/schools/{school.pk}/outbox/",
            "/notifications/",
            "/notifications/preferences/",
        ]
    if role == "advisor":
        advisory = Advisory.objects.get(advisor__email=logins.advisor)
        student = advisory.memberships.current().first().student
        return [
            "/",
            "/advisories/",
            f"/advisories/{advisory.pk}/",
            "/students/",
            f"/students/{student.pk}/",
            f"/students/{student.pk}/edit/",
            "/preferences/",
            *_learning_pages(student, lead=True),
        ]
    if role == "student":
        student = Student.objects.get(user__email=logins.student)
        return [
            "/",
            f"/students/{student.pk}/",
            f"/students/{student.pk}/edit/",
            "/preferences/",
            *_learning_pages(student, author=True),
        ]
    if role == "guardian":
        children = Student.objects.filter(guardian_links__guardian__email=logins.guardian)
        return [
            "/",
            *[f"/students/{child.pk}/" for child in children],
            *_learning_pages(children.first()),
            "/preferences/",
            "/notifications/",
            "/notifications/preferences/",
        ]
    return ["/", "/preferences/", "/accounts/password_change/", reverse("students:calendar")]


def _expectation_pages(role: str, logins) -> list[str]:
    """The 10 Expectations' pages each role opens: reflections, profiles, attendance, the
    early warning, the advisory's and the school's views."""
    school = School.objects.get(slug="demo")

    def url(name, *args):
        return reverse(f"expectations:{name}", args=args)

    def of_student(student):
        return [
            url("reflection", student.pk),
            url("profile", student.pk),
            url("attendance-student", student.pk),
        ]

    if role == "admin":
        advisory = Advisory.objects.filter(school=school).first()
        student = advisory.memberships.current().first().student
        return [
            url("school", school.pk),
            url("engagement-list", school.pk),
            url("engagement-settings", school.pk),
            url("expectation-list"),
            url("expectation-update", Expectation.objects.order_by("number")[0].pk),
            url("advisory", advisory.pk),
            url("attendance-take", advisory.pk),
            url("engagement-student", student.pk),
            *of_student(student),
        ]
    if role == "advisor":
        advisory = Advisory.objects.filter(advisor__email=logins.advisor).first()
        student = advisory.memberships.current().first().student
        item = student.plans.order_by("-term__start_date").first().items.first()
        return [
            url("advisory", advisory.pk),
            url("attendance-take", advisory.pk),
            url("engagement-student", student.pk),
            url("check-in-create", student.pk),
            url("tags", "item", item.pk),
            *of_student(student),
        ]
    if role == "student":
        return of_student(Student.objects.get(user__email=logins.student))
    if role == "guardian":
        return of_student(
            Student.objects.filter(guardian_links__guardian__email=logins.guardian)[0]
        )
    return []


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_every_main_page_passes_axe(visitor, demo, role):
    visitor.sign_in(getattr(demo, role))
    pages = _main_pages(role, demo) + _internship_pages(role, demo)
    for path in pages + _expectation_pages(role, demo):
        visitor.goto(path)
        visitor.check_accessibility()


def test_public_pages_pass_axe(visitor, demo):
    public = ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/"]
    for path in [*public, reverse("internships:portal-sign-in")]:
        visitor.goto(path)
        visitor.check_accessibility()
