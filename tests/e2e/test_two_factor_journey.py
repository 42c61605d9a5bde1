"""An admin sets up a second factor, signs out, and signs in again with password and code."""

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import expect

from bigpicture.models import School


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    """What the admin's authenticator app shows now (or some 30-second steps later)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_admin_sets_up_a_second_factor_then_signs_in_with_password_and_code(visitor, demo):
    # Whatever the demo school chooses, this school requires the second factor of its admins.
    School.objects.filter(slug="demo").update(second_factor_for_admins=True)
    page = visitor.page
    visitor.sign_in(demo.admin)
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    visitor.check_accessibility()

    # Nothing else opens until it is done.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Students").click()
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()

    typed = page.locator("#second-factor-key").inner_text().replace(" ", "")
    key = b32decode(typed + "=" * (-len(typed) % 8))
    page.get_by_label("Six-digit code from the app").fill(code_for(key))
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.locator(".recovery-code")).to_have_count(10)
    visitor.check_accessibility()
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/students/$"))  # on to the page first asked for

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    visitor.sign_in(demo.admin)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    visitor.check_accessibility()
    code = page.get_by_label("Code from your authenticator app, or a recovery code")
    code.fill("000000" if code_for(key, 1) != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("This code is not right.")).to_be_visible()
    visitor.check_accessibility()
    # After a wrong code the app checks the next one only a second later (then 2, 4...).
    page.wait_for_timeout(1500)
    # The code the app shows next: the one used to set it up never signs in again.
    code.fill(code_for(key, 1))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=re.compile("at a glance"))).to_be_visible()
    visitor.check_accessibility()
