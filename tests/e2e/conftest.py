"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The app runs on pytest-django's live server with a freshly seeded demo school. Every page
a journey visits is checked with axe-core (WCAG 2.1 A and AA rules, zero serious or
critical violations) and must load without console errors or CSP violations.
"""

import importlib.resources
import os
from pathlib import Path

import pytest

from bigpicture.demo import DEMO_PASSWORD, build_demo_school
from tests.conftest import IN_CI

# Playwright's sync API keeps an event loop in this thread; the ORM calls the fixtures make
# in the same thread are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str:
    return (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """A small, deterministic demo school, rebuilt for each browser test."""
    return build_demo_school(students=60, seed=2026)


class Visitor:
    """One person at the keyboard: a browser page plus the checks every page must pass."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        self.goto("/accounts/login/")
        form = self.page.locator("main form")
        form.get_by_label("Email address").fill(email)
        form.get_by_label("Password").fill(password)
        form.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def check_accessibility(self) -> None:
        """Run axe-core on the current page: no serious or critical WCAG 2.1 AA violation."""
        self.page.evaluate(_axe_source())
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(node["target"][0] for node in v["nodes"][:3])
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert bad == [], f"{self.page.url}: " + "; ".join(bad)

    def assert_clean(self) -> None:
        assert self.problems == [], self.problems


@pytest.fixture
def visitor(browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    person = Visitor(page, live_server.url)
    yield person
    context.close()
    person.assert_clean()
