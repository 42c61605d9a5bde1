"""The pages the benchmark drives, who opens them, the school-day mix, and a signed-in
session cookie for each person; the 10 Expectations' pages and the day's roll the issue-13
targets name, and the form a browser would post to take that roll.

Every function here needs Django set up (``bench.settings``) on the benchmark's database.
"""

import string
from html.parser import HTMLParser
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.crypto import get_random_string

from advisories.models import Advisory, Membership
from bench.constants import FLOOR, HOMES, LEAN, MIX_WEIGHTS
from bigpicture.demo import DOMAIN
from bigpicture.models import School, User
from internships.models import Placement
from students.models import LearningPlan, Student


def session_for(user: User) -> str:
    """A signed-in session for a person, as the sign-in view would make it (in the configured
    session engine), and the cookie header a browser would send with it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "bigpicture.backends.EmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    # A browser also sends back the CSRF cookie it got with its first page.
    csrf = get_random_string(32, allowed_chars=string.ascii_letters + string.digits)
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def demo_school() -> School:
    return School.objects.get(slug="demo")


def main_pages() -> dict[str, tuple[str, str | None]]:
    """Page name -> (path, cookie) for the floor page, the lean reference page and every main
    page of every role, each opened by the demo login of its role."""
    school = demo_school()
    advisor = User.objects.get(email=f"advisor@{DOMAIN}")
    student = Student.objects.select_related("user").get(user__email=f"student@{DOMAIN}")
    guardian = User.objects.get(email=f"guardian@{DOMAIN}")
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    mentor = User.objects.get(email=f"mentor@{DOMAIN}")
    advisory = Advisory.objects.filter(advisor=advisor).order_by("pk").first()
    plan = LearningPlan.objects.filter(student=student).order_by("-term__start_date").first()
    advised = (
        LearningPlan.objects.filter(
            student__memberships__advisory=advisory, student__memberships__end_date=None
        )
        .order_by("-term__start_date", "pk")
        .first()
    )
    child_plan = (
        LearningPlan.objects.filter(student__guardian_links__guardian=guardian)
        .order_by("-term__start_date", "pk")
        .first()
    )
    placement = Placement.objects.filter(student=student, status="active").first()
    as_student, as_mentor = session_for(student.user), session_for(mentor)
    as_advisor, as_admin = session_for(advisor), session_for(admin)
    home = reverse("bigpicture:home")
    return {
        FLOOR: (reverse("bench-floor"), as_admin),
        LEAN: (reverse("bench-lean"), as_admin),
        "sign-in page": (reverse("login"), None),
        "advisor home": (home, as_advisor),
        "advisory page": (reverse("advisories:advisory-detail", args=[advisory.pk]), as_advisor),
        "student profile": (reverse("students:student-detail", args=[student.pk]), as_student),
        "student home": (home, as_student),
        "learning plan (student)": (plan.get_absolute_url(), as_student),
        "learning plan (advisor)": (advised.get_absolute_url(), as_advisor),
        "learning plan (guardian)": (child_plan.get_absolute_url(), session_for(guardian)),
        "plan history": (reverse("students:plan-history", args=[advised.pk]), as_advisor),
        "guardian home": (home, session_for(guardian)),
        "internship page (student)": (placement.get_absolute_url(), as_student),
        "internship days (student)": (
            reverse("internships:placement-logs", args=[placement.pk]),
            as_student,
        ),
        # The mentor's days to confirm, across their interns.
        "daily logs (mentor)": (reverse("internships:mentor-logs"), as_mentor),
        "internship days (mentor)": (
            reverse("internships:placement-logs", args=[placement.pk]),
            as_mentor,
        ),
        "advisory internships": (
            reverse("internships:advisory-internships", args=[advisory.pk]),
            as_advisor,
        ),
        "mentor's interns": (reverse("internships:mentor-internships"), as_mentor),
        "mentor home": (home, as_mentor),
        "admin overview": (reverse("bigpicture:school-overview", args=[school.pk]), as_admin),
        "admin home": (home, as_admin),
        "student list (admin)": (reverse("students:student-list"), as_admin),
        "people list (admin)": (reverse("bigpicture:person-list"), as_admin),
        "advisory list (admin)": (reverse("advisories:advisory-list"), as_admin),
    }


def people_of(role: str, count: int) -> list[User]:
    """Up to ``count`` people of the demo school with a role, the demo login first, the
    others spread over the school (students placed in an advisory, advisors leading one,
    mentors with an intern)."""
    school = demo_school()
    people = User.objects.filter(school=school, is_active=True)
    if role == "student":
        people = people.filter(
            Exists(Membership.objects.filter(student__user=OuterRef("pk"), end_date=None))
        )
    elif role == "advisor":
        people = people.filter(Exists(Advisory.objects.filter(advisor=OuterRef("pk"))))
    elif role == "guardian":
        people = people.filter(is_guardian=True)
    elif role == "mentor":
        people = people.filter(
            Exists(Placement.objects.filter(mentor__user=OuterRef("pk"), status="active"))
        )
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    demo = User.objects.get(email=f"{role}@{DOMAIN}")
    step = max(1, len(ids) // max(1, count))
    chosen = [demo.pk, *(pk for pk in ids[::step] if pk != demo.pk)][:count]
    by_pk = User.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def mix_entries(pages: dict, people: int = 8) -> list[dict]:
    """The school-day mix as a list of reads: page name, path, cookie and weight. A home page
    is read by ``people`` people of its role (its weight shared among them); every other
    page by the demo login of its role."""
    entries = []
    for name, weight in MIX_WEIGHTS.items():
        path, cookie = pages[name]
        if name in HOMES and people > 1:
            readers = people_of(HOMES[name], people)
            for user in readers:
                entries.append(
                    {
                        "name": name,
                        "path": path,
                        "cookie": session_for(user),
                        "weight": weight / len(readers),
                    }
                )
        else:
            entries.append({"name": name, "path": path, "cookie": cookie, "weight": weight})
    return entries


def expectation_pages() -> dict[str, tuple[str, str | None]]:
    """Page name -> (path, cookie) for the 10 Expectations' views with issue-13 targets:
    the school view with its heat map (the admin), the advisory view (the demo advisor) and
    the student's expectations profile (the demo student, and their advisor)."""
    school = demo_school()
    advisor = User.objects.get(email=f"advisor@{DOMAIN}")
    admin = User.objects.get(email=f"admin@{DOMAIN}")
    student = Student.objects.select_related("user").get(user__email=f"student@{DOMAIN}")
    advisory = Advisory.objects.filter(advisor=advisor).order_by("pk").first()
    advised = (
        Student.objects.filter(memberships__advisory=advisory, memberships__end_date=None)
        .order_by("pk")
        .first()
    )
    as_advisor = session_for(advisor)
    return {
        "school view and heat map (admin)": (
            reverse("expectations:school", args=[school.pk]),
            session_for(admin),
        ),
        "advisory view (advisor)": (
            reverse("expectations:advisory", args=[advisory.pk]),
            as_advisor,
        ),
        "expectations profile (student)": (
            reverse("expectations:profile", args=[student.pk]),
            session_for(student.user),
        ),
        "expectations profile (advisor)": (
            reverse("expectations:profile", args=[advised.pk]),
            as_advisor,
        ),
    }


def attendance_roll() -> tuple[str, str]:
    """(path, cookie): today's roll of the demo advisor's advisory, as its advisor."""
    advisor = User.objects.get(email=f"advisor@{DOMAIN}")
    advisory = Advisory.objects.filter(advisor=advisor).order_by("pk").first()
    return reverse("expectations:attendance-take", args=[advisory.pk]), session_for(advisor)


class _Forms(HTMLParser):
    """The POST forms of a page: for each, its fields as a browser would send them
    untouched, and every radio button's and option's value by field name."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[list[tuple[str, str]], dict[str, list[str]]]] = []
        self.inside = False
        self.select = self.textarea = None
        self.picked = False

    @property
    def sent(self) -> list[tuple[str, str]]:
        return self.forms[-1][0]

    @property
    def choices(self) -> dict[str, list[str]]:
        return self.forms[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.inside = True
            self.forms.append(([], {}))
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button"):
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.choices.setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self.sent.append((name, attrs.get("value", "on")))
            else:
                self.sent.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self.select, self.picked = name, False
        elif tag == "option" and self.select:
            self.choices.setdefault(self.select, []).append(attrs.get("value", ""))
            if "selected" in attrs:
                self.sent.append((self.select, attrs.get("value", "")))
                self.picked = True
        elif tag == "textarea" and name:
            self.textarea = name
            self.sent.append((name, ""))

    def handle_data(self, data):
        if self.textarea:
            name, text = self.sent[-1]
            self.sent[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            if not self.picked and self.choices.get(self.select):  # a browser sends the first
                self.sent.append((self.select, self.choices[self.select][0]))
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def roll_call(html: str, absent: int = 2, late: int = 1) -> tuple[dict[str, list[str]], int]:
    """What an advisor's phone posts for a day's roll: the form as shown (everyone present
    by default) with ``absent`` students marked absent and ``late`` marked late; and how many
    students the roll lists (the fields that offer "absent")."""
    parser = _Forms()
    parser.feed(html)
    sent, choices = next(
        (form for form in parser.forms if any("absent" in v for v in form[1].values())),
        ([], {}),
    )
    marked = [name for name, values in choices.items() if "absent" in values]
    changes = dict.fromkeys(marked[:absent], "absent")
    changes.update(dict.fromkeys(marked[absent : absent + late], "late"))
    data: dict[str, list[str]] = {}
    for name, value in sent:
        if name not in changes:
            data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = [value]
    return data, len(marked)
