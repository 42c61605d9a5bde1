"""Reads behind the advisory pages and the advisor's home."""

from advisories.models import Advisory, Membership
from bigpicture.selectors import current_year

# Each student's guardians, primary contact first (the links' own order): named by their
# relations, as the students app sits above this one.
GUARDIANS = "student__guardian_links__guardian"
# What a roster shows of each student: their name, link and year level (not their profile).
ROSTER_COLUMNS = (
    *("advisory_id", "student_id", "student__school_id", "student__graduating_class"),
    *("student__preferred_name", "student__user__first_name", "student__user__last_name"),
)


def _current_memberships(memberships, year, *, guardians: bool = True):
    memberships = memberships.current().select_related("student__user").only(*ROSTER_COLUMNS)
    if guardians:
        memberships = memberships.prefetch_related(GUARDIANS)
    memberships = list(
        memberships.order_by("student__user__last_name", "student__user__first_name", "pk")
    )
    for membership in memberships:
        student = membership.student
        student.year_level = year.year_level(student.graduating_class) if year else None
    return memberships


def roster(advisory: Advisory) -> list[Membership]:
    """The students now in an advisory, with their year level and guardians."""
    return _current_memberships(advisory.memberships, current_year(advisory.school))


def past_members(advisory: Advisory) -> list[Membership]:
    """Students who were in the advisory and have left it, most recent first."""
    return list(
        advisory.memberships.filter(end_date__isnull=False)
        .select_related("student__user")
        .order_by("-end_date", "pk")
    )


def advisories_led_by(user) -> list[Advisory]:
    """The advisories a person leads, each with its current roster attached (and its size,
    the roster's length). The dashboard shows no guardians, so none are read; what it shows
    of each student's learning is the students app's (``bigpicture.pages`` joins them)."""
    advisories = list(Advisory.objects.filter(advisor=user))
    if not advisories:
        return []
    memberships = _current_memberships(
        Membership.objects.filter(advisory_id__in=[advisory.pk for advisory in advisories]),
        current_year(user.school),
        guardians=False,
    )
    for advisory in advisories:
        advisory.advisor = user  # already loaded, with their school
        if advisory.school_id == user.school_id:
            advisory.school = user.school
        advisory.roster = [m for m in memberships if m.advisory_id == advisory.pk]
        advisory.size = len(advisory.roster)
    return advisories


def advisory_list(user, *, graduating_class: int | None = None):
    """Advisories a person may open, with sizes and advisors, for the list page."""
    advisories = Advisory.objects.visible_to(user)
    if graduating_class is not None:
        advisories = advisories.filter(graduating_class=graduating_class)
    return (
        advisories.with_size()
        .select_related("advisor", "school")
        .only(  # what the list shows: the advisory, its advisor's name, its seats
            *("name", "graduating_class", "capacity", "school__advisory_capacity"),
            *("advisor__first_name", "advisor__last_name", "advisor__email"),
        )
        .order_by("graduating_class", "name", "pk")
    )
