"""Reads behind the directory: sites and mentors with their background checks, the
opportunities students browse, and the ones suggested from a student's interests."""

import operator
import re
from datetime import date, timedelta
from functools import reduce

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bigpicture import access
from bigpicture.selectors import current_term
from internships.models import Mentor, Opportunity, Placement, Site
from students.models import LearningPlan, Student

SOON_DAYS = 30  # a cleared check expiring within this many days is flagged
SUGGESTIONS = 6
SUGGESTION_CANDIDATES = 40
MAX_INTEREST_WORDS = 15
CHECK_STATES = {
    "cleared": _("Cleared"),
    "expiring": _("Expires within 30 days"),
    "expired": _("Expired"),
    "missing": _("Missing or not cleared"),
}
# Words that say nothing about what a student is into (English and Spanish).
STOP_WORDS = frozenset(
    """about also and are but can com con del desde esta este for from have how las los
    like love más muy other para por que really some that the them things thing this very
    want what when who with would una uno""".split()
)
WORD = re.compile(r"[^\W\d_]+")


def today_for(user) -> date:
    """Today in the person's school (or the server's zone for those without one)."""
    school = getattr(user, "school", None)
    return school.today() if school else timezone.localdate()


def _counted(queryset, field: str):
    """A count of related rows per outer row, as a subquery (no joins that multiply rows)."""
    counts = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(
        Subquery(counts.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


ACTIVE = Placement.Status.ACTIVE


# --- sites -------------------------------------------------------------------------------------


def site_list(user, *, search: str = "", cluster: str = "", status: str = ""):
    """Sites a person may see, with their mentors and current interns counted (paged)."""
    sites = Site.objects.visible_to(user).annotate(
        mentor_count=_counted(Mentor.objects.all(), "site"),
        intern_count=_counted(Placement.objects.filter(status=ACTIVE), "site"),
    )
    for word in search.split():
        sites = sites.filter(
            Q(organization__icontains=word)
            | Q(industry__icontains=word)
            | Q(address__icontains=word)
        )
    if cluster:
        sites = sites.filter(cluster=cluster)
    if status:
        sites = sites.filter(status=status)
    return sites.select_related("proposed_by").order_by("organization", "pk")


def site_detail(site: Site, today: date) -> dict:
    """A site's page: its mentors with their checks, its opportunities, its interns."""
    mentors = with_check_states(site.mentors.select_related("user").order_by(*MENTOR_ORDER), today)
    opportunities = site.opportunities.select_related("mentor__user").order_by("title", "pk")
    return {
        "mentors": mentors,
        "opportunities": list(opportunities),
        "intern_count": site.placements.filter(status=ACTIVE).count(),
    }


def proposed_by(user):
    """Sites a student proposed that wait for an admin."""
    return Site.objects.filter(proposed_by_id=user.pk, status=Site.Status.PROPOSED).order_by(
        "organization"
    )


# --- mentors -----------------------------------------------------------------------------------

MENTOR_ORDER = ("user__last_name", "user__first_name", "pk")


def check_state(mentor: Mentor, today: date) -> str:
    """The badge of a mentor's background check: cleared, expiring, expired or missing."""
    if mentor.background_check != Mentor.Check.CLEARED or mentor.check_expires_on is None:
        return "missing"
    if mentor.check_expires_on < today:
        return "expired"
    if mentor.check_expires_on <= today + timedelta(days=SOON_DAYS):
        return "expiring"
    return "cleared"


def check_state_filter(state: str, today: date) -> Q:
    """The mentors whose badge is ``state``, as a filter on Mentor."""
    cleared = Q(background_check=Mentor.Check.CLEARED, check_expires_on__isnull=False)
    soon = today + timedelta(days=SOON_DAYS)
    return {
        "missing": ~cleared,
        "expired": cleared & Q(check_expires_on__lt=today),
        "expiring": cleared & Q(check_expires_on__gte=today, check_expires_on__lte=soon),
        "cleared": cleared & Q(check_expires_on__gt=soon),
    }.get(state, Q())


def with_check_states(mentors, today: date) -> list[Mentor]:
    """Attach each mentor's badge and why they cannot take an intern (no queries)."""
    mentors = list(mentors)
    for mentor in mentors:
        mentor.check_state = check_state(mentor, today)
        missing = mentor.check_state == "missing"
        mentor.check_state_label = (
            mentor.check_label if missing else CHECK_STATES[mentor.check_state]
        )
        mentor.refusal = mentor.placement_refusal(today)
    return mentors


def mentor_list(user, *, today: date, search: str = "", state: str = "", site: str = ""):
    """Mentors a person may see, with their site and current interns (paged)."""
    mentors = Mentor.objects.visible_to(user).annotate(
        intern_count=_counted(Placement.objects.filter(status=ACTIVE), "mentor")
    )
    for word in search.split():
        mentors = mentors.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(site__organization__icontains=word)
        )
    if state in CHECK_STATES:
        mentors = mentors.filter(check_state_filter(state, today))
    if site.isascii() and site.isdigit():
        mentors = mentors.filter(site_id=int(site))
    return mentors.select_related("user", "site").order_by(*MENTOR_ORDER)


def mentor_detail(mentor: Mentor, today: date) -> dict:
    """A mentor's page: their check, their interns now, the opportunities they lead."""
    with_check_states([mentor], today)
    return {
        "intern_count": mentor.placements.filter(status=ACTIVE).count(),
        "opportunities": list(mentor.opportunities.select_related("site").order_by("title")),
    }


# --- exports -----------------------------------------------------------------------------------


def site_rows(user):
    """The sites of the directory as rows for a spreadsheet."""
    sites = site_list(user)
    yield [
        _("Organization"),
        _("Address"),
        _("Career cluster"),
        _("Industry"),
        _("Safety review"),
        _("Status"),
        _("Mentors"),
        _("Current interns"),
        _("Notes"),
    ]
    for site in sites.iterator(chunk_size=500):
        yield [
            site.organization,
            site.address,
            site.cluster_label,
            site.industry,
            site.safety_reviewed_on or "",
            site.status_label,
            site.mentor_count,
            site.intern_count,
            site.notes,
        ]


def mentor_rows(user, today: date):
    """The mentors of the directory, with their background checks, as spreadsheet rows."""
    yield [
        _("Last name"),
        _("First name"),
        _("Email"),
        _("Phone"),
        _("Role at the site"),
        _("Site"),
        _("Background check"),
        _("Checked on"),
        _("Expires on"),
        _("Check"),
        _("Cannot take an intern because"),
    ]
    for mentor in mentor_list(user, today=today).iterator(chunk_size=500):
        [mentor] = with_check_states([mentor], today)
        yield [
            mentor.user.last_name,
            mentor.user.first_name,
            mentor.user.email,
            mentor.phone,
            mentor.job_title,
            mentor.site.organization,
            mentor.check_label,
            mentor.checked_on or "",
            mentor.check_expires_on or "",
            mentor.check_state_label,
            mentor.refusal,
        ]


# --- opportunities -----------------------------------------------------------------------------


def is_staff(user) -> bool:
    return access.is_network_admin(user) or access.has_role(user, *access.STAFF)


def opportunities_for(user):
    """Opportunities a person may browse: staff see all of the school's, others the open
    ones at active sites."""
    opportunities = Opportunity.objects.visible_to(user)
    if not is_staff(user):
        opportunities = opportunities.filter(is_open=True, site__status=Site.Status.ACTIVE)
    return opportunities


def opportunity_list(user, *, search: str = "", cluster: str = ""):
    """Opportunities found by words in their title, description, tags or site (paged)."""
    opportunities = opportunities_for(user)
    for word in search.split():
        opportunities = opportunities.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(interests__icontains=word)
            | Q(site__organization__icontains=word)
        )
    if cluster:
        opportunities = opportunities.filter(site__cluster=cluster)
    return opportunities.select_related("site", "mentor__user").order_by("title", "pk")


def _stem(word: str) -> str:
    """A word's plain form, so "boats" finds "boat" and "libraries" finds "library"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def interest_words(text: str) -> dict[str, str]:
    """The words of an interests text that say something: stem -> the word as written."""
    words: dict[str, str] = {}
    for word in WORD.findall(text.lower()):
        if len(word) >= 3 and word not in STOP_WORDS:
            words.setdefault(_stem(word), word)
    return words


def student_interests(student: Student) -> str:
    """What a student said they are into: their profile and this term's learning plan."""
    term = current_term(student.school)
    if term is None:
        return student.interests
    plans = LearningPlan.objects.filter(student=student, term=term)
    return "\n".join([student.interests, *plans.values_list("interests", flat=True)])


def suggestions(user, student: Student, limit: int = SUGGESTIONS) -> list[Opportunity]:
    """Open opportunities whose tags or title share words with the student's interests, best
    matches first; each gets ``matched``, the student's words it shares."""
    wanted = dict(list(interest_words(student_interests(student)).items())[:MAX_INTEREST_WORDS])
    if not wanted:
        return []
    hits = [Q(interests__icontains=stem) | Q(title__icontains=stem) for stem in wanted]
    rough = reduce(
        operator.add,
        (Case(When(hit, then=Value(1)), default=Value(0)) for hit in hits),
    )
    candidates = (
        opportunities_for(user)
        .filter(reduce(operator.or_, hits))
        .annotate(rough=rough)
        .select_related("site")
        .order_by("-rough", "title", "pk")[:SUGGESTION_CANDIDATES]
    )
    scored = []
    for opportunity in candidates:
        own = interest_words(" ".join([*opportunity.tags, opportunity.title]))
        shared = [wanted[stem] for stem in wanted if stem in own]
        if shared:
            opportunity.matched = shared
            scored.append(opportunity)
    scored.sort(key=lambda o: (-len(o.matched), o.title.lower(), o.pk))
    return scored[:limit]
