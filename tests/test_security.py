"""Attacks on this app, attempted: other people's ids, typed markup, forged posts, old sessions."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from advisories.models import Advisory
from bigpicture.models import SchoolYear, User
from expectations.models import Expectation
from internships.models import DailyLog, Mentor, Opportunity, Placement, Site
from students.models import (
    Evidence,
    Exhibition,
    GuardianLink,
    LearningPlan,
    Narrative,
    PlanItem,
    PlanMeeting,
    PlanRevision,
    Student,
)
from tests import factories

PAYLOAD = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"


def _patterns_with_ids(patterns=None, prefix=""):
    """Every named URL that takes an integer id, skipping the back office."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns_with_ids(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and "pk" in entry.pattern.converters:
            yield f"{prefix}{entry.name}", tuple(sorted(set(entry.pattern.converters) - {"pk"}))


# What a URL takes beside the id swept: one of the own school's (a term) or a word (a kind,
# a file format).
OTHER_ARGUMENTS = {
    "term": lambda world: world.term.pk,
    "kind": lambda world: "item",
    "format": lambda world: "csv",
}


def _learning_rows(student, term) -> list:
    """A plan with a goal, a revision and evidence; a meeting, a narrative, an exhibition."""
    plan = factories.PlanFactory(student=student, term=term)
    item = factories.PlanItemFactory(plan=plan, goals=["empirical"])
    revision = PlanRevision.objects.create(plan=plan, version=1, action="created", by=student.user)
    evidence = Evidence.objects.create(
        item=item, title="Site", url="https://example.org", added_by=student.user
    )
    meeting = factories.MeetingFactory(student=student, term=term)
    narrative = factories.NarrativeFactory(student=student, term=term)
    exhibition = factories.ExhibitionFactory(student=student, term=term)
    placement = factories.PlacementFactory(student=student)
    log = factories.DailyLogFactory(placement=placement, checked_out_at=timezone.now())
    opportunity = factories.OpportunityFactory(site=placement.site, mentor=placement.mentor)
    internship = [placement, log, opportunity, placement.site, placement.mentor]
    return [plan, item, revision, evidence, meeting, narrative, exhibition, *internship]


def _foreign_ids(world) -> set[int]:
    """Ids of every kind of row in the other school."""
    term = factories.TermFactory(school_year__school=world.school2, name="Other term")
    learning = {row.pk for row in _learning_rows(world.student2, term)}
    return learning | {
        world.school2.pk,
        world.admin2.pk,
        world.advisor2.pk,
        world.advisory2.pk,
        world.student2.pk,
        world.student2.user_id,
        world.link2.pk,
        factories.SchoolYearFactory(school=world.school2, name="Other year").pk,
    }


LEARNING_MODELS = [
    (LearningPlan, "student__school"),
    (PlanItem, "plan__student__school"),
    (PlanRevision, "plan__student__school"),
    (Evidence, "item__plan__student__school"),
    (PlanMeeting, "student__school"),
    (Narrative, "student__school"),
    (Exhibition, "student__school"),
    (Placement, "student__school"),
    (DailyLog, "placement__student__school"),
    (Opportunity, "site__school"),
    (Site, "school"),
    (Mentor, "site__school"),
]


def _ids_in(school) -> set[int]:
    """Every id of every kind of row in a school: such ids may mean something there."""
    ids = {school.pk}
    for queryset in (
        User.objects.filter(school=school),
        Student.objects.filter(school=school),
        Advisory.objects.filter(school=school),
        GuardianLink.objects.filter(student__school=school),
        SchoolYear.objects.filter(school=school),
        Expectation.objects.all(),  # the ten are every school's (each words its own)
        *(model.objects.filter(**{lookup: school}) for model, lookup in LEARNING_MODELS),
    ):
        ids |= set(queryset.values_list("pk", flat=True))
    return ids


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_another_schools_ids_are_out_of_reach_on_every_url(client, world, role):
    client.force_login(world.person(role))
    names = sorted(set(_patterns_with_ids()))
    assert names, "the sweep found no URL taking an id"
    _learning_rows(world.student, world.term)  # rows of every kind in the own school too
    foreign = _foreign_ids(world)
    own_ids = _ids_in(world.school)
    foreign -= own_ids
    assert foreign, "every foreign id collides with an own id; the sweep would test nothing"
    for name, others in names:
        extra = {argument: OTHER_ARGUMENTS[argument](world) for argument in others}
        for pk in foreign:  # ids that mean nothing in this school
            url = reverse(name, kwargs={"pk": pk, **extra})
            response = client.get(url)
            if response.status_code == 405:  # an action taken by POST only
                response = client.post(url)
            assert response.status_code in {403, 404}, f"{role} reached {name} pk={pk}"


def test_typed_markup_is_shown_as_text_on_every_page(client, world):
    """Markup in every text field a person can type comes back escaped, never interpreted."""
    student = world.student
    for field in ("preferred_name", "interests", "talents", "needs", "learning_style"):
        setattr(student, field, PAYLOAD)
    student.motivation = PAYLOAD
    student.save()
    for person in (student.user, world.guardian, world.advisor):
        person.first_name = PAYLOAD
        person.last_name = PAYLOAD
        person.save()
    world.advisory.name = PAYLOAD
    world.advisory.save()
    world.school.name = PAYLOAD
    world.school.save()
    pages = {
        "admin": [
            reverse("bigpicture:home"),
            reverse("bigpicture:school-overview", kwargs={"pk": world.school.pk}),
            reverse("bigpicture:person-list"),
            reverse("advisories:advisory-list"),
            reverse("advisories:advisory-detail", kwargs={"pk": world.advisory.pk}),
            reverse("students:student-list"),
            reverse("students:student-detail", kwargs={"pk": student.pk}),
            reverse("students:student-update", kwargs={"pk": student.pk}),
            reverse("students:guardian-update", kwargs={"pk": world.link.pk}),
            reverse("bigpicture:person-update", kwargs={"pk": world.guardian.pk}),
        ],
        "advisor": [reverse("bigpicture:home")],
        "student": [reverse("bigpicture:home")],
        "guardian": [reverse("bigpicture:home"), reverse("bigpicture:preferences")],
    }
    for role, urls in pages.items():
        client.force_login(world.person(role))
        for url in urls:
            html = client.get(url).content.decode()
            assert "<script>alert" not in html, f"{role} {url} interprets typed markup"
            assert "<img src=x" not in html, f"{role} {url} interprets typed markup"
            assert ESCAPED in html or "&lt;script&gt;" in html, f"{role} {url} lost the text"


FORM_URLS = [
    ("bigpicture:preferences", None),
    ("bigpicture:person-create", None),
    ("bigpicture:person-update", "advisor"),
    ("bigpicture:school-update", "school"),
    ("bigpicture:year-list", "school"),
    ("bigpicture:term-create", "year"),
    ("advisories:advisory-create", None),
    ("advisories:advisory-update", "advisory"),
    ("students:student-create", None),
    ("students:student-update", "student"),
    ("students:student-move", "student"),
    ("students:guardian-create", "student"),
    ("students:guardian-update", "link"),
    ("students:guardian-delete", "link"),
]


@pytest.mark.parametrize(("name", "target"), FORM_URLS)
def test_every_form_refuses_a_post_without_the_csrf_token(world, name, target):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    kwargs = {"pk": getattr(world, target).pk} if target else None
    url = reverse(name, kwargs=kwargs)
    assert b"csrfmiddlewaretoken" in client.get(url).content
    assert client.post(url, {"name": "forged"}).status_code == 403


def test_logout_and_set_language_refuse_forged_posts(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    assert client.post(reverse("logout")).status_code == 403
    assert client.post(reverse("set_language"), {"language": "es"}).status_code == 403


def test_an_expired_session_goes_back_to_sign_in(client, world):
    client.force_login(world.advisor)
    home = reverse("bigpicture:home")
    assert client.get(home).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    # The cached copy of a session lives no longer than the session itself (its timeout is
    # the session's age), so once it has expired only the database row is left.
    cache.clear()
    response = client.get(home)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_deactivated_person_is_signed_out(client, world):
    client.force_login(world.guardian)
    world.guardian.is_active = False
    world.guardian.save()
    response = client.get(reverse("bigpicture:home"))
    assert response.status_code == 302


INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE
)


@pytest.mark.parametrize("role", ["admin", "advisor", "student", "guardian", "mentor"])
def test_no_page_carries_inline_script_or_style(client, world, role):
    """The CSP forbids inline code; no page may depend on any (it would break in browsers)."""
    client.force_login(world.person(role))
    urls = [reverse("bigpicture:home"), reverse("bigpicture:preferences")]
    if role == "admin":
        urls += [
            reverse("bigpicture:school-overview", kwargs={"pk": world.school.pk}),
            reverse("bigpicture:person-list"),
            reverse("advisories:advisory-detail", kwargs={"pk": world.advisory.pk}),
            reverse("students:student-detail", kwargs={"pk": world.student.pk}),
            reverse("students:student-move", kwargs={"pk": world.student.pk}),
            reverse("students:guardian-create", kwargs={"pk": world.student.pk}),
        ]
    for url in urls:
        html = client.get(url).content.decode()
        assert INLINE_CODE.search(html) is None, f"{role} {url}: {INLINE_CODE.search(html)}"
