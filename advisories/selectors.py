"""Reads behind the advisory pages and the advisor's home."""

from advisories.models import Advisory, Membership
from bigpicture.links import link
from bigpicture.names import display_name
from bigpicture.prepared import Rows, instance, prepared, within_reach
from bigpicture.selectors import current_year

_PK = 9_876_543_210  # stands in for each row's number: the link reversed once per page


class RosterStudent:
    """A student as a roster (the advisory page's, the advisor's home) shows them: plain
    attributes, read once (no model instance, no per-row method calls in the template)."""

    __slots__ = (
        *("pk", "display_name", "year_level", "graduating_class", "url", "guardians"),
        *("plan", "next_meeting", "next_exhibition", "flags"),  # the students app's
    )

    def __init__(self, pk, display_name, year_level, graduating_class, url):
        self.pk, self.display_name, self.year_level = pk, display_name, year_level
        self.graduating_class, self.url = graduating_class, url
        self.plan = self.next_meeting = self.next_exhibition = None
        self.flags = []


class RosterRow:
    """One current membership of a roster (since ``start_date``): its student as a
    ``RosterStudent``."""

    __slots__ = ("advisory_id", "pk", "start_date", "student", "student_id")

    def __init__(self, pk, advisory_id, student, start_date=None):
        self.pk, self.advisory_id, self.student_id = pk, advisory_id, student.pk
        self.student, self.start_date = student, start_date


# Each roster row's guardian, primary contact first (the links' own order), by relation
# names: the students app sits above this one.
LINK = "student__guardian_links__"
ROSTER_ROW = (
    *("pk", "advisory_id", "student_id", "student__graduating_class"),
    *("student__preferred_name", "student__user__first_name", "student__user__last_name"),
    "start_date",
)
GUARDIAN_COLUMNS = (
    *(f"{LINK}pk", f"{LINK}relationship", f"{LINK}is_primary_contact"),
    *(f"{LINK}guardian__first_name", f"{LINK}guardian__last_name"),
    *(f"{LINK}guardian__email", f"{LINK}guardian__language"),
)


class RosterGuardian:
    """A student's guardian as the roster shows them: name, relationship, language."""

    __slots__ = ("is_primary_contact", "language", "name", "relationship_label")

    def __init__(self, name, relationship_label, is_primary_contact, language):
        self.name, self.relationship_label = name, relationship_label
        self.is_primary_contact, self.language = is_primary_contact, language


@prepared
def _roster_with_guardians(advisory: int):
    return (
        Membership.objects.current()
        .filter(advisory_id=advisory)
        .order_by(
            *("student__user__last_name", "student__user__first_name", "pk"),
            *(f"-{LINK}is_primary_contact", f"{LINK}guardian__last_name", f"{LINK}pk"),
        )
        .values_list(*ROSTER_ROW, *GUARDIAN_COLUMNS)
    )


def roster(advisory: Advisory) -> list[RosterRow]:
    """The students now in an advisory, with their year level and guardians (each student's
    ``guardians``, primary contact first): one flat read, a row per student and guardian,
    grouped here."""
    year = current_year(advisory.school)
    rows = _roster_with_guardians(advisory.pk)
    link_model = Membership.student.field.related_model.guardian_links.rel.related_model
    relationships = dict(link_model._meta.get_field("relationship").flatchoices)
    student_url = link("students:student-detail", _PK).partition(str(_PK))
    members, labels = {}, {}
    for (
        pk,
        advisory_id,
        student_id,
        graduating_class,
        preferred,
        first,
        last,
        since,
        *guardian,
    ) in rows:
        membership = members.get(pk)
        if membership is None:
            student = RosterStudent(
                student_id,
                display_name(preferred, first, last),
                year.year_level(graduating_class) if year else None,
                graduating_class,
                f"{student_url[0]}{student_id}{student_url[2]}",
            )
            student.guardians = []
            membership = members[pk] = RosterRow(pk, advisory_id, student, since)
        link_pk, relationship, primary, g_first, g_last, email, language = guardian
        if link_pk is not None:
            label = labels.get(relationship)
            if label is None:
                label = labels[relationship] = str(relationships.get(relationship, relationship))
            name = f"{g_first} {g_last}".strip() or email  # as the guardian's str() shows them
            membership.student.guardians.append(RosterGuardian(name, label, primary, language))
    return list(members.values())


ADVISORY_COLUMNS = (
    *("school_id", "name", "advisor_id", "graduating_class", "capacity"),
    *("advisor__first_name", "advisor__last_name", "advisor__email"),
)


@within_reach
def _advisory(person, advisory: int):
    advisories = Advisory.objects.visible_to(person).filter(pk=advisory).with_size()
    return advisories.values_list("pk", *ADVISORY_COLUMNS, "size")


def advisory_in_reach(user, pk: int) -> Advisory | None:
    """An advisory as its page shows it if the person may open it (``visible_to``), else
    None: with its advisor and its ``size`` now; the other columns load on access."""
    rows = _advisory(user, pk)
    if not rows:
        return None
    *row, size = rows[0]
    advisory = instance(Advisory, ADVISORY_COLUMNS, row)
    advisory.size = size
    return advisory


# by relation names: the students app sits above this one
PAST_MEMBER_COLUMNS = (
    *("advisory_id", "student_id", "start_date", "end_date"),
    *("student__user_id", "student__preferred_name"),
    *("student__user__first_name", "student__user__last_name"),
)


@prepared
def _past_members(advisory: int):
    memberships = Membership.objects.filter(advisory_id=advisory, end_date__isnull=False)
    return memberships.order_by("-end_date", "pk").values_list("pk", *PAST_MEMBER_COLUMNS)


def past_members(advisory: Advisory) -> list[Membership]:
    """Students who were in the advisory and have left it, most recent first (each with
    their student and person, the columns shown)."""
    return [instance(Membership, PAST_MEMBER_COLUMNS, row) for row in _past_members(advisory.pk)]


@prepared
def _current_roster(advisories: list[int]):
    return (
        Membership.objects.current()
        .filter(advisory_id__in=advisories)
        .order_by("student__user__last_name", "student__user__first_name", "pk")
        .values_list(*ROSTER_ROW)
    )


def current_roster(advisory_ids: list[int], year) -> list[RosterRow]:
    """The students now in these advisories, by name, with their link and year level (in
    ``year``): one flat read of plain values, no model instances."""
    rows = _current_roster(advisory_ids)
    student_url = link("students:student-detail", _PK).partition(str(_PK))
    return [
        RosterRow(
            pk,
            advisory_id,
            RosterStudent(
                student_id,
                display_name(preferred, first, last),
                year.year_level(graduating_class) if year else None,
                graduating_class,
                f"{student_url[0]}{student_id}{student_url[2]}",
            ),
            since,
        )
        for pk, advisory_id, student_id, graduating_class, preferred, first, last, since in rows
    ]


LED_COLUMNS = tuple(f.attname for f in Advisory._meta.concrete_fields if not f.primary_key)


@prepared
def _led_by(advisor: int):
    advisories = Advisory.objects.filter(advisor_id=advisor).order_by(*Advisory._meta.ordering)
    return advisories.values_list("pk", *LED_COLUMNS)


def advisories_led_by(user) -> list[Advisory]:
    """The advisories a person leads, each with its current roster attached (and its size,
    the roster's length): rows of plain values (``RosterRow``), one flat read for all of
    them. The dashboard shows no guardians, so none are read; what it shows of each
    student's learning is the students app's (``bigpicture.pages`` joins them)."""
    advisories = [instance(Advisory, LED_COLUMNS, row) for row in _led_by(user.pk)]
    if not advisories:
        return []
    rosters = {advisory.pk: [] for advisory in advisories}
    for row in current_roster(list(rosters), current_year(user.school)):
        rosters[row.advisory_id].append(row)
    for advisory in advisories:
        advisory.advisor = user  # already loaded, with their school
        if advisory.school_id == user.school_id:
            advisory.school = user.school
        advisory.roster = rosters[advisory.pk]
        advisory.size = len(advisory.roster)
    return advisories


ADVISORY_LIST_ROW = (
    *("pk", "school_id", "name", "graduating_class", "capacity", "size"),
    *("school__advisory_capacity", "advisor__first_name", "advisor__last_name"),
    "advisor__email",
)


class AdvisoryListRow:
    """An advisory as the list page shows it: plain attributes, read once (no model
    instances, no per-row method calls in the template)."""

    __slots__ = (
        *("pk", "school_id", "name", "url", "advisor", "graduating_class", "year_level"),
        *("size", "effective_capacity", "is_over_capacity"),
        *("class_shown", "level_shown", "size_shown"),
    )

    def __init__(
        self, pk, school_id, name, url, advisor, graduating_class, year_level, size, seats
    ):
        self.pk, self.school_id, self.name, self.url = pk, school_id, name, url
        self.advisor, self.graduating_class, self.year_level = advisor, graduating_class, year_level
        self.size, self.effective_capacity = size, seats
        self.is_over_capacity = size > seats
        # The row's numbers as the page shows them (class, level, size of seats), written
        # once here: a template formats each number it shows in the reader's locale.
        self.class_shown, self.level_shown = str(graduating_class), str(year_level or "—")
        self.size_shown = f"{size} / {seats}"


@within_reach
def _advisory_list(person):
    advisories = Advisory.objects.visible_to(person).with_size()
    return advisories.order_by("graduating_class", "name", "pk").values_list(*ADVISORY_LIST_ROW)


@within_reach
def _advisory_list_of_class(person, graduating_class: int):
    advisories = Advisory.objects.visible_to(person).filter(graduating_class=graduating_class)
    advisories = advisories.with_size().order_by("graduating_class", "name", "pk")
    return advisories.values_list(*ADVISORY_LIST_ROW)


def advisory_list(user, *, graduating_class: int | None = None) -> Rows:
    """Advisories a person may open, with sizes and advisors, for the list page (paged): rows
    of plain values (``ADVISORY_LIST_ROW``), made into ``AdvisoryListRow`` by
    ``advisory_list_rows`` once the page is cut."""
    if graduating_class is None:
        return Rows(_advisory_list, user)
    return Rows(_advisory_list_of_class, user, graduating_class)


def advisory_list_rows(rows, year) -> list[AdvisoryListRow]:
    """One page of ``advisory_list`` as the list shows it, with each advisory's year level
    in ``year``."""
    url = link("advisories:advisory-detail", _PK).partition(str(_PK))
    shown = []
    for pk, school_id, name, graduating_class, capacity, size, *rest in rows:
        school_capacity, first, last, email = rest
        shown.append(
            AdvisoryListRow(
                pk,
                school_id,
                name,
                f"{url[0]}{pk}{url[2]}",
                f"{first} {last}".strip() or email,  # as the advisor's str() shows them
                graduating_class,
                year.year_level(graduating_class) if year else None,
                size,
                capacity or school_capacity,  # as ``Advisory.effective_capacity``
            )
        )
    return shown
