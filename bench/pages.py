"""The pages the benchmark drives, who opens them, and a session cookie for each person."""

import string

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils.crypto import get_random_string

from advisories.models import Advisory
from bigpicture.demo import DOMAIN
from bigpicture.models import School, User
from internships.models import Placement
from students.models import LearningPlan, Student


def session_for(user: User) -> str:
    """A signed-in session for a person, as the sign-in view would make it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "bigpicture.backends.EmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    # A browser also sends back the CSRF cookie it got with its first page.
    csrf = get_random_string(32, allowed_chars=string.ascii_letters + string.digits)
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def main_pages() -> dict[str, tuple[str, str | None]]:
    """Page name -> (path, cookie) for every main page of every role."""
    school = School.objects.get(slug="demo")
    advisor = User.objects.get(email=f"advisor@{DOMAIN}")
    student = Student.objects.select_related("user").get(user__email=f"student@{DOMAIN}")
    guardian = User.objects.get(email=f"guardian@{DOMAIN}")
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    mentor = User.objects.get(email=f"mentor@{DOMAIN}")
    advisory = Advisory.objects.filter(advisor=advisor).first()
    plan = LearningPlan.objects.filter(student=student).order_by("-term__start_date").first()
    advised = (
        LearningPlan.objects.filter(
            student__memberships__advisory=advisory, student__memberships__end_date=None
        )
        .order_by("-term__start_date", "pk")
        .first()
    )
    as_advisor, as_admin = session_for(advisor), session_for(admin)
    placement = Placement.objects.filter(student=student, status="active").first()
    return {
        "trivial view (ceiling)": ("/bench/trivial/", None),
        "sign-in page": (reverse("login"), None),
        "advisor home": (reverse("bigpicture:home"), as_advisor),
        "advisory page": (reverse("advisories:advisory-detail", args=[advisory.pk]), as_advisor),
        "student profile": (
            reverse("students:student-detail", args=[student.pk]),
            session_for(student.user),
        ),
        "student home": (reverse("bigpicture:home"), session_for(student.user)),
        "learning plan (student)": (plan.get_absolute_url(), session_for(student.user)),
        "learning plan (advisor)": (advised.get_absolute_url(), as_advisor),
        "plan history": (reverse("students:plan-history", args=[advised.pk]), as_advisor),
        "guardian home": (reverse("bigpicture:home"), session_for(guardian)),
        "internship page (student)": (placement.get_absolute_url(), session_for(student.user)),
        "daily logs (mentor)": (
            reverse("internships:placement-logs", args=[placement.pk]),
            session_for(mentor),
        ),
        "advisory internships": (
            reverse("internships:advisory-internships", args=[advisory.pk]),
            as_advisor,
        ),
        "mentor's interns": (reverse("internships:mentor-internships"), session_for(mentor)),
        "mentor home": (reverse("bigpicture:home"), session_for(mentor)),
        "admin overview": (reverse("bigpicture:school-overview", args=[school.pk]), as_admin),
        "admin home": (reverse("bigpicture:home"), as_admin),
        "student list (admin)": (reverse("students:student-list"), as_admin),
        "people list (admin)": (reverse("bigpicture:person-list"), as_admin),
        "advisory list (admin)": (reverse("advisories:advisory-list"), as_admin),
    }
