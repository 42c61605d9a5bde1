"""A family declines consent in a real browser (issue 15, item 7): a guardian reads the
approved agreement, declines saying why (a reason is required, and what was typed stays),
and the student's advisor reads the reason on the internship and sees it back for review."""

from playwright.sync_api import expect

from advisories.models import Membership
from internships.models import Placement
from students.models import GuardianLink

REASON = "The bus to the site takes an hour each way; can we find a site nearer home?"


def _guardian_and_placement():
    """A placement waiting for a family's consent, one of its guardians who signs in, and
    the student's advisor now, found by role and state (the demo's story may change); made
    from a proposal (or any placement) if the demo has none waiting."""
    waiting = Placement.objects.filter(status=Placement.Status.APPROVED)
    advised = Membership.objects.current().values("student_id")
    for placement in waiting.filter(student__in=advised).order_by("pk"):
        link = _online_guardian(placement)
        if link is not None:
            return link.guardian, placement
    placement = (
        Placement.objects.filter(student__in=advised, student__guardian_links__isnull=False)
        .order_by("status", "pk")
        .first()
    )
    advisor = Membership.objects.current().get(student_id=placement.student_id).advisory.advisor
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.APPROVED, approved_by=advisor, consented_by=None
    )
    placement.refresh_from_db()
    return _online_guardian(placement).guardian, placement


def _online_guardian(placement):
    return (
        GuardianLink.objects.filter(
            student_id=placement.student_id,
            guardian__is_active=True,
            guardian__email__isnull=False,
        )
        .select_related("guardian")
        .order_by("-is_primary_contact", "pk")
        .first()
    )


def test_a_guardian_declines_and_the_advisor_reads_why(visitor, demo):
    page = visitor.page
    guardian, placement = _guardian_and_placement()
    advisor = Membership.objects.current().get(student_id=placement.student_id).advisory.advisor

    # Found by their addresses and names, not their words: the family may read Spanish.
    visitor.sign_in(guardian.email)
    visitor.goto(placement.get_absolute_url())
    expect(page.locator('main form input[name="step"][value="consent"]')).to_have_count(1)
    page.locator(f'main a[href="/internships/placements/{placement.pk}/decline/"]').click()
    visitor.check_accessibility()
    submit = page.locator('main form [type="submit"]')
    # Only spaces (the browser's own check lets them through): refused next to the field by
    # the server, nothing recorded.
    page.locator("#id_reason").fill("   ")
    submit.click()
    expect(page.locator("#id_reason.is-invalid")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_be_visible()
    placement.refresh_from_db()
    assert placement.status == Placement.Status.APPROVED
    page.locator("#id_reason").fill(REASON)
    submit.click()
    expect(page.locator(".alert-success")).to_be_visible()
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED
    visitor.check_accessibility()
    page.locator('form[action*="logout"] [type="submit"]').click()
    page.wait_for_load_state()

    visitor.sign_in(advisor.email)
    visitor.goto(placement.get_absolute_url())
    expect(page.locator(".alert-warning", has_text=REASON)).to_be_visible()
    # back with the advisor: their review (approve or send back) is offered again
    expect(page.locator('main button[name="step"][value="approve"]')).to_be_visible()
    expect(page.locator("td", has_text=REASON)).to_be_visible()
    visitor.check_accessibility()
