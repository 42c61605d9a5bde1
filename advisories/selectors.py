"""Reads behind the advisory pages and the advisor's home."""

from django.db.models import Prefetch

from advisories.models import Advisory, Membership
from bigpicture.selectors import current_year
from students.models import GuardianLink

GUARDIANS = Prefetch(
    "student__guardian_links",
    queryset=GuardianLink.objects.select_related("guardian").order_by(
        "-is_primary_contact", "guardian__last_name"
    ),
)


def _current_memberships(memberships, year):
    memberships = list(
        memberships.current()
        .select_related("student__user")
        .prefetch_related(GUARDIANS)
        .order_by("student__user__last_name", "student__user__first_name", "pk")
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
    """The advisories a person leads, each with its current roster attached."""
    advisories = list(
        Advisory.objects.filter(advisor=user).with_size().select_related("school", "advisor")
    )
    if not advisories:
        return []
    memberships = _current_memberships(
        Membership.objects.filter(advisory__advisor=user), current_year(user.school)
    )
    for advisory in advisories:
        advisory.roster = [m for m in memberships if m.advisory_id == advisory.pk]
    return advisories


def advisory_list(user, *, graduating_class: int | None = None):
    """Advisories a person may open, with sizes and advisors, for the list page."""
    advisories = Advisory.objects.visible_to(user)
    if graduating_class is not None:
        advisories = advisories.filter(graduating_class=graduating_class)
    return (
        advisories.with_size()
        .select_related("advisor", "school")
        .order_by("graduating_class", "name", "pk")
    )
