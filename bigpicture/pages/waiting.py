"""What waits for each person, gathered from every app: the "waiting for you" list on the
home and the count in the navigation. Both read the apps' ``waiting`` selectors, so the
count is the list's length (plus unread notifications): one query per kind of item for the
list, one query in all for the count."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bigpicture import access
from bigpicture.links import link
from bigpicture.models import Notification, User
from bigpicture.names import display_name
from bigpicture.notifications import last_visit
from bigpicture.selectors import current_year
from bigpicture.templatetags.shown import day, when
from expectations.selectors import waiting as expectations_waiting
from internships.selectors import waiting as internships_waiting
from students.selectors import waiting as students_waiting

SHOWN_PER_KIND = 20  # the rows of one kind on the home; the count counts them all


@dataclass(frozen=True)
class Item:
    """One thing waiting for someone: what, who it concerns, since when, and where to do it."""

    what: str
    who: str
    since: str
    url: str
    action: str


def _shown(moment) -> str:
    if moment is None:
        return ""
    return when(moment, "SHORT_DATE_FORMAT") if isinstance(moment, datetime) else day(moment)


def _student(student) -> str:
    return display_name(student.preferred_name, student.user.first_name, student.user.last_name)


# --- the kinds, per role: (queryset for the count, rows -> items for the list) -----------------


def _advisor(user: User, request) -> list[tuple]:
    plans = students_waiting.plans_to_review(user)
    changed = students_waiting.plans_changed_after_approval(user)
    meetings = students_waiting.meetings_to_record(user)
    proposals = internships_waiting.proposals_to_approve(user)
    messages = internships_waiting.messages_to_answer(user)
    return [
        (plans, lambda: _plan_items(plans, _("Learning plan to review"), "submitted_at")),
        (proposals, lambda: _proposal_items(proposals)),
        (changed, lambda: _plan_items(changed, _("Plan changed since approval"), "updated_at")),
        (messages, lambda: _message_items(messages)),
        (meetings, lambda: _meeting_items(meetings)),
    ]


def _plan_items(plans, what: str, since: str) -> list[Item]:
    rows = plans.select_related("student__user")[:SHOWN_PER_KIND]
    return [
        Item(
            what,
            _student(plan.student),
            _shown(getattr(plan, since)),
            link("students:plan-detail", plan.pk),
            _("Open the plan"),
        )
        for plan in rows
    ]


def _proposal_items(proposals) -> list[Item]:
    rows = proposals.select_related("student__user", "site")[:SHOWN_PER_KIND]
    what = _("Internship proposal to approve: %(site)s")
    return [
        Item(
            what % {"site": placement.site.organization},
            _student(placement.student),
            _shown(placement.proposed_at),
            link("internships:placement-detail", placement.pk),
            _("Review the proposal"),
        )
        for placement in rows
    ]


def _message_items(messages) -> list[Item]:
    rows = messages.select_related("author", "placement__student__user")[:SHOWN_PER_KIND]
    what = _("Message from the mentor, %(mentor)s")
    return [
        Item(
            what % {"mentor": message.author.get_full_name()},
            _student(message.placement.student),
            _shown(message.created_at),
            link("internships:placement-messages", message.placement_id),
            _("Read and answer"),
        )
        for message in rows
    ]


def _meeting_items(meetings) -> list[Item]:
    rows = meetings.select_related("student__user")[:SHOWN_PER_KIND]
    return [
        Item(
            _("Meeting held: record its notes"),
            _student(meeting.student),
            _shown(meeting.starts_at),
            link("students:meeting-record", meeting.pk),
            _("Record the notes"),
        )
        for meeting in rows
    ]


def _mentor(user: User, request) -> list[tuple]:
    today = user.school.today()
    year = current_year(user.school)
    days = internships_waiting.days_to_confirm(user)
    semester = internships_waiting.semester_of(year, today)
    evaluations = internships_waiting.evaluations_due(user, year, semester, today)
    return [
        (days, lambda: _days_items(days)),
        (evaluations, lambda: _evaluation_items(evaluations)),
    ]


def _days_items(placements) -> list[Item]:
    rows = placements.select_related("student__user")[:SHOWN_PER_KIND]
    url = reverse("internships:mentor-logs")
    return [
        Item(
            ngettext("%(count)s day to confirm", "%(count)s days to confirm", placement.waiting)
            % {"count": placement.waiting},
            _student(placement.student),
            _shown(placement.since),
            url,
            _("Confirm the days"),
        )
        for placement in rows
    ]


def _evaluation_items(placements) -> list[Item]:
    rows = placements.select_related("student__user")[:SHOWN_PER_KIND]
    return [
        Item(
            _("This semester's evaluation"),
            _student(placement.student),
            _shown(placement.start_on),
            link("internships:evaluation-write", placement.pk),
            _("Write the evaluation"),
        )
        for placement in rows
    ]


def _guardian(user: User, request) -> list[tuple]:
    since = last_visit(request)
    consents = internships_waiting.consents_to_give(user)
    invitations = students_waiting.invitations_to_answer(user)
    narratives = students_waiting.narratives_new(user, since)
    results = students_waiting.exhibition_results_new(user, since)
    return [
        (consents, lambda: _consent_items(consents)),
        (invitations, lambda: _invitation_items(invitations)),
        (narratives, lambda: _narrative_items(narratives)),
        (results, lambda: _result_items(results)),
    ]


def _consent_items(placements) -> list[Item]:
    rows = placements.select_related("student__user", "site")[:SHOWN_PER_KIND]
    what = _("Consent to the internship at %(site)s")
    return [
        Item(
            what % {"site": placement.site.organization},
            _student(placement.student),
            _shown(placement.approved_at),
            link("internships:placement-detail", placement.pk),
            _("Read the agreement"),
        )
        for placement in rows
    ]


def _invitation_items(invites) -> list[Item]:
    rows = invites.select_related("meeting__student__user")[:SHOWN_PER_KIND]
    what = _("Invitation to the learning plan meeting on %(day)s")
    return [
        Item(
            what % {"day": _shown(invite.meeting.starts_at)},
            _student(invite.meeting.student),
            _shown(invite.meeting.created_at),
            link("students:meeting-detail", invite.meeting_id),
            _("Answer the invitation"),
        )
        for invite in rows
    ]


def _narrative_items(narratives) -> list[Item]:
    rows = narratives.select_related("student__user", "term")[:SHOWN_PER_KIND]
    what = _("New narrative: %(term)s")
    return [
        Item(
            what % {"term": narrative.term.name},
            _student(narrative.student),
            _shown(narrative.published_at),
            link("students:narrative-detail", narrative.pk),
            _("Read the narrative"),
        )
        for narrative in rows
    ]


def _result_items(exhibitions) -> list[Item]:
    rows = exhibitions.select_related("student__user")[:SHOWN_PER_KIND]
    what = _("Exhibition result: %(title)s")
    return [
        Item(
            what % {"title": exhibition.title},
            _student(exhibition.student),
            _shown(exhibition.starts_at),
            link("students:exhibition-detail", exhibition.pk),
            _("See the result"),
        )
        for exhibition in rows
    ]


def _student_kinds(user: User, request) -> list[tuple]:
    today = user.school.today()
    sent_back = students_waiting.plans_sent_back(user)
    check_out = internships_waiting.check_out_today(user, today)
    reflections = expectations_waiting.reflections_due(user, today)
    return [
        (check_out, lambda: _check_out_items(check_out)),
        (sent_back, lambda: _sent_back_items(sent_back)),
        (reflections, lambda: _reflection_items(user, reflections)),
    ]


def _check_out_items(logs) -> list[Item]:
    rows = logs.select_related("placement__site")[:SHOWN_PER_KIND]
    what = _("Check out of today at %(site)s")
    return [
        Item(
            what % {"site": log.placement.site.organization},
            "",
            _shown(log.checked_in_at),
            link("internships:log-check-out", log.pk),
            _("Check out"),
        )
        for log in rows
    ]


def _sent_back_items(plans) -> list[Item]:
    rows = plans.select_related("term", "reviewed_by")[:SHOWN_PER_KIND]
    what = _("Changes requested on your plan for %(term)s")
    return [
        Item(
            what % {"term": plan.term.name},
            plan.reviewed_by.get_full_name() if plan.reviewed_by else "",
            _shown(plan.reviewed_at),
            link("students:plan-detail", plan.pk),
            _("Open the plan"),
        )
        for plan in rows
    ]


def _reflection_items(user: User, terms) -> list[Item]:
    student = user.student_profile
    rows = list(terms[:SHOWN_PER_KIND])
    what = _("Your reflection on the 10 Expectations for %(term)s, due %(day)s")
    prefix = link("expectations:reflection", student.pk)
    return [
        Item(
            what % {"term": term.name, "day": _shown(term.due)},
            "",
            "",
            f"{prefix}{term.pk}/",
            _("Reflect"),
        )
        for term in rows
    ]


def _admin(user: User, request) -> list[tuple]:
    if not user.school_id:
        return []
    unplaced = students_waiting.students_without_advisory(user.school_id)
    checks = internships_waiting.checks_expiring(user.school_id, user.school.today())
    return [
        (unplaced, lambda: _unplaced_items(unplaced)),
        (checks, lambda: _check_items(checks, user.school.today())),
    ]


def _unplaced_items(students) -> list[Item]:
    rows = students.select_related("user")[:SHOWN_PER_KIND]
    return [
        Item(
            _("Student without an advisory"),
            _student(student),
            _shown(student.user.date_joined),
            link("students:student-detail", student.pk),
            _("Open the student"),
        )
        for student in rows
    ]


def _check_items(mentors, today: date) -> list[Item]:
    rows = mentors.select_related("user", "site")[:SHOWN_PER_KIND]
    expired, expires = (
        _("Background check expired on %(day)s"),
        _("Background check expires on %(day)s"),
    )
    return [
        Item(
            (expired if mentor.check_expires_on < today else expires)
            % {"day": _shown(mentor.check_expires_on)},
            f"{mentor.user.get_full_name()} ({mentor.site.organization})",
            _shown(mentor.checked_on),
            link("internships:mentor-update", mentor.pk),
            _("Update the check"),
        )
        for mentor in rows
    ]


KINDS = {
    access.ADMIN: _admin,
    access.ADVISOR: _advisor,
    access.MENTOR: _mentor,
    access.GUARDIAN: _guardian,
    access.STUDENT: _student_kinds,
}


def _kinds(user: User, request) -> list[tuple]:
    roles = access.roles_of(user)
    if not user.school_id:  # a network admin: nothing of a school's waits for them
        return []
    kinds = []
    for role, made in KINDS.items():
        if role in roles and (role != access.STUDENT or _has_profile(user)):
            kinds += made(user, request)
    return kinds


def _has_profile(user: User) -> bool:
    try:
        return user.student_profile is not None
    except User.student_profile.RelatedObjectDoesNotExist:
        return False


def waiting_for(user: User, request) -> list[Item]:
    """What waits for a person, every role they hold: one query per kind of item. How many
    wait is noted on the request, so the navigation's count on the same page (the home) reads
    only the unread notifications instead of building every kind's query again."""
    items, waiting = [], 0
    for queryset, made in _kinds(user, request):
        shown = made()
        items += shown
        # a kind shows at most SHOWN_PER_KIND rows: fewer is all of them, else count them all
        waiting += len(shown) if len(shown) < SHOWN_PER_KIND else queryset.count()
    request.waiting_counted = waiting
    return items


def waiting_count(user: User, request) -> int:
    """How many things wait for a person, plus their unread notifications: one query."""
    unread = Notification.objects.addressed_to(user).filter(read_at__isnull=True)
    known = getattr(request, "waiting_counted", None)
    if known is not None:  # the page listed them already
        return unread.count() + known
    counted = [queryset for queryset, _items in _kinds(user, request)]
    parts = [rows.order_by().values_list("pk") for rows in counted]
    return unread.order_by().values_list("pk").union(*parts, all=True).count()


class NavCount:
    """The navigation's count, read when the navigation shows it (and once a page)."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def total(self) -> int:
        return waiting_count(self.request.user, self.request)


def nav_waiting(request) -> dict:
    """Context processor: the count of waiting things for the navigation's badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_waiting": NavCount(request)}
