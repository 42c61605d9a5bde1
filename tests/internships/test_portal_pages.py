"""Every directory and portal page, for every role that opens it: typed markup shown as
text, no inline script or style (the CSP forbids them), forms refusing forged posts."""

import pytest
from django.test import Client
from django.urls import reverse

from internships.models import Message, SignInLink
from tests import factories
from tests.test_security import ESCAPED, INLINE_CODE, PAYLOAD


def _rows(world, text: str) -> dict:
    """A site, mentor, opportunity, internship and message, every text field saying ``text``."""
    site = world.mentor_profile.site
    site.organization = site.address = site.industry = site.notes = text
    site.save()
    mentor = world.mentor_profile
    mentor.job_title = mentor.phone = text[:40]
    mentor.save()
    world.mentor.first_name = world.mentor.last_name = text
    world.mentor.save()
    opportunity = factories.OpportunityFactory(
        site=site, mentor=mentor, title=text, description=text, interests=text
    )
    placement = factories.PlacementFactory(
        student=world.student, site=site, mentor=mentor, project=text
    )
    Message.objects.create(placement=placement, author=world.mentor, body=text)
    world.student.interests = text
    world.student.save()
    return {"site": site, "mentor": mentor, "opportunity": opportunity, "placement": placement}


@pytest.fixture
def rows(world):
    return _rows(world, "Harbor boats")


def _pages(world, rows) -> dict[str, list[str]]:
    site, mentor = rows["site"].pk, rows["mentor"].pk
    opportunity, placement = rows["opportunity"].pk, rows["placement"].pk
    staff = [
        reverse("internships:site-list"),
        reverse("internships:site-detail", args=[site]),
        reverse("internships:mentor-list"),
        reverse("internships:mentor-detail", args=[mentor]),
        reverse("internships:opportunity-list"),
        reverse("internships:opportunity-detail", args=[opportunity]),
        reverse("internships:opportunity-update", args=[opportunity]),
        reverse("internships:opportunity-create"),
        reverse("internships:placement-messages", args=[placement]),
    ]
    return {
        "admin": [
            *staff,
            reverse("internships:site-update", args=[site]),
            reverse("internships:site-create"),
            reverse("internships:mentor-update", args=[mentor]),
            reverse("internships:mentor-create"),
        ],
        "advisor": staff,
        "student": [
            reverse("internships:opportunity-list"),
            reverse("internships:opportunity-detail", args=[opportunity]),
            reverse("internships:site-propose"),
        ],
        "guardian": [reverse("internships:opportunity-list")],
        "mentor": [
            reverse("internships:mentor-internships"),
            reverse("internships:placement-messages", args=[placement]),
            reverse("internships:opportunity-list"),
        ],
    }


ROLES = ["admin", "advisor", "student", "guardian", "mentor"]


@pytest.mark.parametrize("role", ROLES)
def test_typed_markup_is_shown_as_text(client_as, world, role):
    rows = _rows(world, PAYLOAD)
    client = client_as(role)
    for url in _pages(world, rows)[role]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert" not in html, f"{role} {url} interprets typed markup"
        assert "<img src=x" not in html, f"{role} {url} interprets typed markup"
        if not url.endswith(("/new/", "/propose/")):  # empty forms show nothing typed
            assert ESCAPED in html or "&lt;script&gt;" in html, f"{role} {url} lost the text"


@pytest.mark.parametrize("role", ROLES)
def test_no_page_carries_inline_code_and_each_has_one_heading(client_as, world, rows, role):
    client = client_as(role)
    for url in _pages(world, rows)[role]:
        html = client.get(url).content.decode()
        assert INLINE_CODE.search(html) is None, f"{role} {url}: {INLINE_CODE.search(html)}"
        assert html.count("<h1") == 1, f"{role} {url}: one main heading"


def test_the_public_pages_too(client, world):
    pages = [
        reverse("internships:portal-sign-in"),
        reverse("internships:portal-link", args=[SignInLink.objects.issue(user=world.mentor)[0]]),
        reverse("internships:portal-link", args=["unknown"]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert INLINE_CODE.search(html) is None, url
        assert html.count("<h1") == 1, url


@pytest.mark.parametrize(
    ("role", "name", "row"),
    [
        ("admin", "internships:site-create", None),
        ("admin", "internships:site-update", "site"),
        ("admin", "internships:mentor-create", None),
        ("admin", "internships:mentor-update", "mentor"),
        ("advisor", "internships:opportunity-create", None),
        ("advisor", "internships:opportunity-update", "opportunity"),
        ("student", "internships:site-propose", None),
        ("mentor", "internships:placement-messages", "placement"),
        (None, "internships:portal-sign-in", None),
    ],
)
def test_every_form_refuses_a_post_without_the_csrf_token(world, rows, role, name, row):
    client = Client(enforce_csrf_checks=True)
    if role:
        client.force_login(world.person(role))
    url = reverse(name, args=[rows[row].pk] if row else None)
    assert b"csrfmiddlewaretoken" in client.get(url).content
    target = url
    if name == "internships:placement-messages":
        target = reverse("internships:placement-message", args=[rows[row].pk])
    assert client.post(target, {"body": "forged", "email": world.mentor.email}).status_code == 403
    assert not Message.objects.filter(body="forged").exists()


def test_the_sign_in_button_refuses_a_forged_post(world):
    client = Client(enforce_csrf_checks=True)
    token, link = SignInLink.objects.issue(user=world.mentor)
    url = reverse("internships:portal-link", args=[token])
    assert b"csrfmiddlewaretoken" in client.get(url).content
    assert client.post(url).status_code == 403
    link.refresh_from_db()
    assert link.used_at is None
