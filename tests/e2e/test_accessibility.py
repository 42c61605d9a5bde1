"""axe-core on every main page of every role: no serious or critical WCAG 2.1 AA violation."""

import pytest

from advisories.models import Advisory
from bigpicture.models import School, User
from students.models import GuardianLink, Student


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
        ]
    if role == "student":
        student = Student.objects.get(user__email=logins.student)
        return ["/", f"/students/{student.pk}/", f"/students/{student.pk}/edit/", "/preferences/"]
    if role == "guardian":
        children = Student.objects.filter(guardian_links__guardian__email=logins.guardian)
        return [
            "/",
            *[f"/students/{child.pk}/" for child in children],
            "/preferences/",
            "/notifications/",
            "/notifications/preferences/",
        ]
    return ["/", "/preferences/", "/accounts/password_change/"]


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_every_main_page_passes_axe(visitor, demo, role):
    visitor.sign_in(getattr(demo, role))
    for path in _main_pages(role, demo):
        visitor.goto(path)
        visitor.check_accessibility()


def test_public_pages_pass_axe(visitor, demo):
    for path in ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/"]:
        visitor.goto(path)
        visitor.check_accessibility()
