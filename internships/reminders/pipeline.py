"""Reminder rules along the way into an internship: the family asked for consent, the mentor
asked to accept, the people concerned told of each step, the mentor's evaluation written.

All are written with the change that causes them. The requests are checked again when the
email leaves: once the step is taken (or the proposal sent back), there is nothing to ask.
"""

from django.utils.translation import gettext_lazy as _

from bigpicture import notifications
from bigpicture.notifications import NothingToSend, site_url
from bigpicture.notifications.rules import Draft, Rule, register
from internships.models import Evaluation, Placement, PlacementEvent
from internships.selectors.pipeline import step_code
from students.models import GuardianLink
from students.reminders.plans import advisor_ids

Status = Placement.Status


def _context(placement: Placement) -> dict:
    return {
        "placement_id": placement.pk,
        "student": placement.student.display_name,
        "site": placement.site.organization,
        "project": placement.project,
        "path": placement.get_absolute_url(),
    }


def _draft(placement: Placement, person_id: int, occasion: str, **context) -> Draft:
    return Draft(
        recipient_id=person_id,
        school_id=placement.student.school_id,
        subject_key=f"placement:{placement.pk}",
        subject=f"{placement.student.display_name}: {placement.site.organization}",
        occasion=occasion,
        context={**_context(placement), **context},
    )


def guardian_ids(placement: Placement) -> list[int]:
    """The student's guardians who receive reminders."""
    links = GuardianLink.objects.filter(
        student_id=placement.student_id, receives_reminders=True, guardian__is_active=True
    )
    return list(links.values_list("guardian_id", flat=True))


def _live(notification, status: str) -> dict:
    placement = (
        Placement.objects.select_related("student__user", "site", "mentor__user")
        .filter(pk=notification.context.get("placement_id"))
        .first()
    )
    if placement is None or placement.status != status:
        raise NothingToSend("The step was taken, or the proposal changed.")
    return {"placement": placement, "placement_url": site_url(placement.get_absolute_url())}


def consent_context(notification) -> dict:
    """The agreement as it is now, while it still waits for the family's consent."""
    return _live(notification, Status.APPROVED)


def accept_context(notification) -> dict:
    """The agreement as it is now, while it still waits for the mentor."""
    return _live(notification, Status.CONSENTED)


def notify_consent_request(placement: Placement) -> None:
    """Ask the student's guardians to read the approved agreement and consent to it."""
    occasion = f"approved-{placement.approved_at.isoformat()}"
    drafts = [_draft(placement, pk, occasion) for pk in guardian_ids(placement)]
    notifications.record(CONSENT_REQUEST, drafts)


def notify_accept_request(placement: Placement) -> None:
    """Ask the mentor to accept the intern, now that the family consented."""
    occasion = f"consented-{placement.consented_at.isoformat()}"
    notifications.record(ACCEPT_REQUEST, [_draft(placement, placement.mentor.user_id, occasion)])


def step_recipients(placement: Placement, event: PlacementEvent, step: str) -> set[int]:
    """Who hears of a step: the student, the advisor, and after consent the family and mentor."""
    people = {placement.student.user_id}
    advisor = advisor_ids([placement.student_id]).get(placement.student_id)
    if advisor and step in {"proposed", "changed", "consented", "active", "completed", "ended"}:
        people.add(advisor)
    if step == "sent_back":
        people.add(placement.proposed_by_id)
    if placement.consented_at is not None and step in {"active", "completed", "ended"}:
        people.update(guardian_ids(placement))
        if step != "active":
            people.add(placement.mentor.user_id)
    people.discard(event.by_id)
    return people


def notify_step(placement: Placement, event: PlacementEvent) -> None:
    """Tell the people concerned that the internship moved one step."""
    step = step_code(event)
    drafts = [
        _draft(
            placement,
            pk,
            f"event-{event.pk}",
            step=step,
            by=event.by.get_full_name() or event.by.email,
            note=event.note,
        )
        for pk in sorted(step_recipients(placement, event, step))
    ]
    notifications.record(PLACEMENT_STEP, drafts)


def _advisor_and(placement: Placement, *others: int | None) -> list[int]:
    """The student's advisor now, and the other people given (the one who approved, say)."""
    people = {advisor_ids([placement.student_id]).get(placement.student_id), *others}
    return sorted(pk for pk in people if pk)


def _family_draft(placement: Placement, person_id: int, event: PlacementEvent) -> Draft:
    return _draft(
        placement,
        person_id,
        f"event-{event.pk}",
        by=event.by.get_full_name(),
        phone=event.by.phone.as_e164 if event.by.phone else "",
        email=event.by.email or "",
        note=event.note,
    )


def notify_consent_declined(
    placement: Placement, event: PlacementEvent, approver: int | None
) -> None:
    """Tell the advisor (and whoever approved the agreement) that the family declined
    consent, with their reason."""
    people = [pk for pk in _advisor_and(placement, approver) if pk != event.by_id]
    notifications.record(CONSENT_DECLINED, [_family_draft(placement, pk, event) for pk in people])


def notify_family_question(placement: Placement, event: PlacementEvent) -> None:
    """Bring the advisor (or whoever approved the agreement) a family's question about it."""
    people = [pk for pk in _advisor_and(placement, placement.approved_by_id) if pk != event.by_id]
    notifications.record(FAMILY_QUESTION, [_family_draft(placement, pk, event) for pk in people])


def notify_evaluation(evaluation: Evaluation) -> None:
    """Tell the student and their advisor that the mentor wrote a semester's evaluation."""
    placement = evaluation.placement
    people = {placement.student.user_id}
    advisor = advisor_ids([placement.student_id]).get(placement.student_id)
    if advisor:
        people.add(advisor)
    occasion = f"evaluation-{evaluation.pk}"
    drafts = [
        _draft(
            placement,
            pk,
            occasion,
            mentor=evaluation.author.get_full_name(),
            semester=evaluation.semester,
        )
        for pk in sorted(people)
    ]
    notifications.record(EVALUATION_WRITTEN, drafts)


CONSENT_REQUEST = register(
    Rule(
        key="placement_consent_request",
        kind="internships",
        label=_("Internship consent requested"),
        description=_(
            "Families who receive reminders are asked to consent once the advisor approves an "
            "internship."
        ),
        live_context=consent_context,
    )
)
ACCEPT_REQUEST = register(
    Rule(
        key="placement_accept_request",
        kind="internships",
        label=_("Intern to accept"),
        description=_("Mentors are asked to accept an intern once the family has consented."),
        live_context=accept_context,
    )
)
PLACEMENT_STEP = register(
    Rule(
        key="placement_step",
        kind="internships",
        label=_("Internship step taken"),
        description=_(
            "Students, and the advisor, family or mentor when it concerns them, hear when an "
            "internship is proposed, sent back, approved, consented to, accepted, completed or "
            "ended early."
        ),
    )
)
CONSENT_DECLINED = register(
    Rule(
        key="placement_consent_declined",
        kind="internships",
        label=_("Internship consent declined"),
        description=_(
            "The advisor hears when a family declines consent to an internship, and why: the "
            "agreement comes back to them."
        ),
    )
)
FAMILY_QUESTION = register(
    Rule(
        key="placement_family_question",
        kind="internships",
        label=_("A family's question about an internship"),
        description=_(
            "The advisor receives the question a family asks instead of consenting to an "
            "internship."
        ),
    )
)
EVALUATION_WRITTEN = register(
    Rule(
        key="placement_evaluation",
        kind="internships",
        label=_("Mentor evaluation written"),
        description=_("Students and advisors hear when a mentor writes a semester's evaluation."),
    )
)
