"""No page wider than the phone: every page of every role, opened at 390 px.

The pages come from the access matrix (tests/bigpicture/test_access_matrix.py): each case a
role may open (status 200) is opened by that role in Chromium, so a new page is covered as
soon as it is in the matrix. A page fails if the document scrolls sideways, or if an action
(a link, a button) lies outside the viewport where a thumb cannot reach it. A table or a
chart that scrolls inside its own box (overflow-x: auto) is fine: the page itself does not
move.
"""

import threading

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save, pre_save
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from expectations.ten import ensure_expectations
from students.goals import ensure_learning_goals
from tests import factories
from tests.bigpicture.matrix import ROLES
from tests.bigpicture.test_access_matrix import CASES

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def catalog(transactional_db):
    """The learning goals and the 10 Expectations that migrations seed: a transactional test
    that ran before this one flushed them, and the world's cases read them."""
    ensure_learning_goals()
    ensure_expectations()


# Run in the page: what makes it wider than the viewport, and which actions lie outside.
MEASURE = """() => {
  const width = window.innerWidth;
  const scrollsOnItsOwn = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  const describe = (el) => {
    const classes = [...el.classList].slice(0, 3).map((c) => "." + c).join("");
    const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const box = el.getBoundingClientRect();
    return `<${el.tagName.toLowerCase()}${classes}> "${text}" at x=${Math.round(box.left)}`
      + `..${Math.round(box.right)}`;
  };
  const problems = [];
  const wide = document.documentElement.scrollWidth;
  if (wide > width) {
    // the deepest elements sticking out, to say where to look
    const out = [...document.body.querySelectorAll("*")].filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1 && !scrollsOnItsOwn(el)
        && ![...el.children].some((child) => child.getBoundingClientRect().right > width + 1);
    });
    problems.push(`document is ${wide}px wide; sticking out: `
      + out.slice(0, 4).map(describe).join(", "));
  }
  const actions = document.querySelectorAll("a[href], button, input[type=submit], .btn");
  for (const el of actions) {
    if (el.closest(".visually-hidden, .visually-hidden-focusable")) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if ((box.left < -1 || box.right > width + 1) && !scrollsOnItsOwn(el)) {
      problems.push("action out of reach: " + describe(el));
    }
  }
  return problems;
}"""


class _Rows:
    """The rows the matrix's cases make, kept so that those one case may hold only once (one
    plan, meeting or narrative per student and term) can be cleared for the next case."""

    def __init__(self):
        self.made: list = []
        self.adding = None  # the model of the last row being inserted
        self.thread = threading.get_ident()  # not the live server's: its saves are its own

    def _pre_save(self, sender, instance, **kwargs):
        if instance._state.adding and threading.get_ident() == self.thread:
            self.adding = sender

    def _post_save(self, sender, instance, created, **kwargs):
        if created and threading.get_ident() == self.thread:
            self.made.append(instance)

    def __enter__(self):
        pre_save.connect(self._pre_save)
        post_save.connect(self._post_save)
        return self

    def __exit__(self, *exc):
        pre_save.disconnect(self._pre_save)
        post_save.disconnect(self._post_save)

    def clear(self, model) -> None:
        for row in reversed([row for row in self.made if isinstance(row, model)]):
            model.objects.filter(pk=row.pk).delete()
        self.made = [row for row in self.made if not isinstance(row, model)]


def _url(world, name, kwargs) -> str:
    with transaction.atomic():
        return reverse(name, kwargs=kwargs(world) if kwargs else None)


class _Phones:
    """One phone-sized browser context per role, signed in with a test client's session."""

    def __init__(self, browser, base_url: str, world):
        self.base_url = base_url
        self.failures: list[str] = []
        self.opened = 0
        self.clients = {role: _client(world, role) for role in ROLES}
        self.pages = {
            role: _browse_as(browser, base_url, client) for role, client in self.clients.items()
        }

    def open(self, role: str, url: str) -> None:
        # Later cases' rows may send a page on (writing a term's narrative that exists opens
        # it to edit): the page it leads to is opened instead.
        response = self.clients[role].get(url, follow=True)
        if response.redirect_chain:
            url = response.redirect_chain[-1][0]
        signed_out = response.redirect_chain and url.startswith(reverse("login"))
        if response.status_code != 200 or signed_out:
            self.failures.append(f"{role} {url}: status {response.status_code}, not 200")
            return
        if not response["Content-Type"].startswith("text/html") or response.has_header(
            "Content-Disposition"
        ):
            return  # a download (CSV, PDF, calendar file, evidence), not a page
        page = self.pages[role]
        page.goto(self.base_url + url)
        self.opened += 1
        if page.url.split("#")[0] != self.base_url + url:
            self.failures.append(f"{role} {url}: landed on {page.url}")
        self.failures += [f"{role} {url}: {problem}" for problem in page.evaluate(MEASURE)]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.person(role))
    return client


def _browse_as(browser, base_url: str, client: Client):
    """A phone-sized browser page signed in with the test client's session."""
    context = browser.new_context(locale="en-US", viewport=PHONE)
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": base_url}]
        )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_every_page_of_every_role_fits_a_phone(browser, live_server, world):
    """Each case of the matrix a role may open, opened by that role. The cases are taken from
    the last to the first, their rows kept, so the homes and lists at the top of the matrix
    show what all the later cases made (internships, days, exhibitions, meetings...)."""
    phones = _Phones(browser, live_server.url, world)
    waiting: list[tuple[str, list[str]]] = []  # made, not yet opened
    with _Rows() as rows:
        for name, kwargs, statuses in reversed(CASES):
            roles = [role for role in ROLES if statuses[role] == 200]
            if not roles:
                continue
            try:
                url = _url(world, name, kwargs)
            except IntegrityError:
                # the row this case makes exists already: open the waiting pages, clear
                # those rows away and make this case's afresh
                clashing = rows.adding
                for waiting_url, waiting_roles in waiting:
                    for role in waiting_roles:
                        phones.open(role, waiting_url)
                waiting = []
                rows.clear(clashing)
                url = _url(world, name, kwargs)
            waiting.append((url, roles))
    for url, roles in waiting:
        for role in roles:
            phones.open(role, url)
    phones.close()
    assert phones.opened > 150, f"only {phones.opened} pages opened: is the matrix read?"
    assert phones.failures == [], "\n".join(phones.failures)


LONG_WORD = "x" * 10_000
LONG_URL = "https://example.org/" + "/".join(f"section-{n}" for n in range(60)) + "?q=tides"
TYPED = f"See {LONG_URL} and <b>not bold</b> {LONG_WORD} end."


@pytest.fixture
def long_text(world):
    """A plan comment and a meeting's notes with a 10,000-character word, a long URL and
    markup the user typed."""
    plan = factories.PlanFactory(student=world.student, term=world.term)
    plan.comments.create(author=world.guardian, body=TYPED)
    meeting = factories.MeetingFactory(
        student=world.student, term=world.term, advisor=world.advisor, notes=TYPED
    )
    return [
        reverse("students:plan-detail", kwargs={"pk": plan.pk}),
        reverse("students:meeting-detail", kwargs={"pk": meeting.pk}),
    ]


def test_a_long_word_and_a_pasted_url_wrap_and_the_url_is_a_safe_link(
    browser, live_server, world, long_text
):
    page = _browse_as(browser, live_server.url, _client(world, "advisor"))
    for url in long_text:
        page.goto(live_server.url + url)
        assert page.evaluate(MEASURE) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        link = page.locator(f'main a[href="{LONG_URL}"]')
        expect(link).to_have_count(1)
        expect(link).to_have_attribute("rel", "nofollow noopener noreferrer")
        expect(page.locator("main b", has_text="not bold")).to_have_count(0)
        expect(page.locator("main").get_by_text("<b>not bold</b>")).to_have_count(1)
    page.context.close()
