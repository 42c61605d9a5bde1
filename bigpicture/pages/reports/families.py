"""The families report: the share of families the school can reach, the languages they read,
who switched email off, and how long a family takes to consent to an internship.

A family here is a student's guardians: a student's family is reached when one of them at
least can get the school's email. The data functions sit here rather than in one app's
report, as they join the students' guardians, the core's people and their email choices, and
the internships' consents.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigpicture.models import Delivery, NotificationPreference, User
from bigpicture.notifications import KINDS
from bigpicture.pages.reports import charts
from bigpicture.pages.reports.scope import Scope
from bigpicture.pages.reports.tables import (
    Cell,
    Column,
    Report,
    Section,
    Table,
    everyone,
    link,
    number,
    share,
)
from internships import report as internships
from students.models import GuardianLink

# --- data --------------------------------------------------------------------------------------

# Whom the school's email reaches: an active account with an address (every address is
# checked deliverable when it is saved, validate_deliverable_email; the outbox skips a
# deactivated account). Guardians have no phone number yet: email is the only way counted.
REACHED = Q(is_active=True) & ~Q(email="")


def reached(prefix: str) -> Q:
    return Q(**{f"{prefix}is_active": True}) & ~Q(**{f"{prefix}email": ""})


def reach(members: QuerySet) -> dict[int, tuple[int, int, int]]:
    """Per advisory: (students, students with a guardian linked, students with a guardian
    the school's email reaches)."""
    rows = (
        members.order_by()
        .values("advisory_id")
        .annotate(
            students=Count("student_id", distinct=True),
            linked=Count(
                "student_id", distinct=True, filter=Q(student__guardian_links__isnull=False)
            ),
            reached=Count(
                "student_id",
                distinct=True,
                filter=reached("student__guardian_links__guardian__"),
            ),
        )
        .values_list("advisory_id", "students", "linked", "reached")
    )
    return {advisory: (students, linked, hit) for advisory, students, linked, hit in rows}


def guardians_of(students: QuerySet) -> QuerySet:
    """The guardians linked to the students."""
    links = GuardianLink.objects.filter(student_id__in=students.values("pk"))
    return User.objects.filter(pk__in=links.values("guardian_id"))


def languages(students: QuerySet) -> list[tuple[str, int, int]]:
    """Per language: (language, guardians who read it, students with such a guardian)."""
    return list(
        GuardianLink.objects.filter(student_id__in=students.values("pk"))
        .order_by()
        .values("guardian__language")
        .annotate(
            guardians=Count("guardian_id", distinct=True),
            students=Count("student_id", distinct=True),
        )
        .order_by("-guardians", "guardian__language")
        .values_list("guardian__language", "guardians", "students")
    )


def choosable_kinds() -> list:
    """The kinds of message a person may switch email off for."""
    return [kind for kind in KINDS.values() if not kind.safety_critical and not kind.hidden]


def off_for(kind) -> Q:
    """Guardians who get no email of a kind: they chose "off", or made no choice and the
    kind is off by default."""
    chosen = NotificationPreference.objects.filter(kind=kind.key)
    off = Q(pk__in=chosen.filter(delivery=Delivery.OFF).values("user_id"))
    if kind.default == Delivery.OFF:
        off |= ~Q(pk__in=chosen.values("user_id"))
    return off


def opted_out(students: QuerySet) -> dict:
    """The students' guardians: how many, how many the school's email reaches, and per kind
    of message how many of those get none of it by email. One query."""
    return guardians_of(students).aggregate(
        guardians=Count("pk"),
        reached=Count("pk", filter=REACHED),
        **{kind.key: Count("pk", filter=REACHED & off_for(kind)) for kind in choosable_kinds()},
    )


def guardians_column(condition: Q) -> Coalesce:
    """A student's guardians (those meeting ``condition``), as a column."""
    links = (
        GuardianLink.objects.filter(condition, student_id=OuterRef("pk"))
        .order_by()
        .values("student_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(links), Value(0))


def period_bounds(scope: Scope) -> tuple[datetime, datetime]:
    """The report's period as moments in the school's time zone: [first day, day after the
    last)."""
    zone = scope.school.zone
    start = datetime.combine(scope.start, time(), tzinfo=zone)
    return start, datetime.combine(scope.end + timedelta(days=1), time(), tzinfo=zone)


# --- the page ----------------------------------------------------------------------------------


def language_label(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def consent_labels() -> dict[str, str]:
    return {
        "day": _("Within a day"),
        "three": _("1 to 3 days"),
        "week": _("3 to 7 days"),
        "fortnight": _("7 to 14 days"),
        "longer": _("14 days or more"),
    }


class FamiliesReport(Report):
    slug = "families"
    title = gettext_lazy("Families")
    summary = gettext_lazy(
        "Families reached, their languages, email opt-outs and how long consent takes."
    )

    def sections(self, scope: Scope) -> list[Section]:
        advisories = list(scope.advisories.values_list("pk", "name"))
        return [
            self.reach(scope, advisories),
            self.languages(scope),
            self.email(scope),
            self.consent(scope),
        ]

    def reach(self, scope: Scope, advisories) -> Section:
        found = reach(scope.members)
        rows, bars = [], []
        for pk, name in advisories:
            students, linked, hit = found.get(pk, (0, 0, 0))
            rows.append(
                [
                    Cell(name),
                    number(students, link(scope, self, "students", advisory=pk)),
                    number(linked),
                    number(hit, link(scope, self, "reached", advisory=pk)),
                    share(hit, students),
                    number(students - hit, link(scope, self, "unreached", advisory=pk)),
                ]
            )
            bars.append(
                charts.Bar(name, 100 * hit / students if students else 0, share(hit, students).text)
            )
        title = _("Families reached")
        headers = [
            _("Advisory"),
            _("Students"),
            _("With a guardian linked"),
            _("Family reached"),
            _("Share"),
            _("Not reached"),
        ]
        chart = charts.bar_chart(
            chart_id="families-reach",
            title=title,
            desc=_(
                "A bar per advisory: the share of its students whose family the school's "
                "email reaches. The table has the numbers."
            ),
            bars=bars,
            maximum=100,
        )
        text = _(
            "A family is reached when at least one of the student's guardians has an active "
            "account with an email address (each address is checked deliverable when it is "
            "saved). Guardians have no phone number in the platform yet, so a family reached "
            "only by phone counts as not reached."
        )
        return Section(title, Table("reach", title, headers, rows), chart, text)

    def languages(self, scope: Scope) -> Section:
        found = languages(scope.students)
        rows = [
            [
                Cell(language_label(code)),
                number(guardians),
                number(students, link(scope, self, "language", language=code)),
            ]
            for code, guardians, students in found
        ]
        title = _("Languages")
        headers = [_("Language"), _("Guardians"), _("Students")]
        chart = charts.bar_chart(
            chart_id="families-languages",
            title=title,
            desc=_(
                "A bar per language: the guardians who chose it for the school's messages. "
                "The table has the students whose guardians read it."
            ),
            bars=[charts.Bar(language_label(code), guardians) for code, guardians, _s in found],
        )
        text = _(
            "The language each guardian chose for the school's messages; a student whose "
            "guardians read two languages counts under both."
        )
        return Section(title, Table("languages", title, headers, rows), chart, text)

    def email(self, scope: Scope) -> Section:
        found = opted_out(scope.students)
        rows, bars = [], []
        for kind in choosable_kinds():
            off = found[kind.key]
            rows.append(
                [
                    Cell(str(kind.label)),
                    number(off, link(scope, self, "off", kind=kind.key)),
                    share(off, found["reached"]),
                ]
            )
            bars.append(charts.Bar(str(kind.label), off))
        title = _("Email switched off")
        headers = [_("Kind of message"), _("Guardians without this email"), _("Share")]
        chart = charts.bar_chart(
            chart_id="families-email",
            title=title,
            desc=_(
                "A bar per kind of message: the guardians reached by email who get none of it "
                "by email (they read it in the platform). The table has the shares."
            ),
            bars=bars,
        )
        text = _(
            "Of the %(reached)s guardians the school's email reaches (of %(guardians)s "
            "linked): those who switched a kind of message to “only here, no email”, "
            "or left off one that is off unless chosen. Messages about a person's account "
            "cannot be switched off."
        ) % {"reached": found["reached"], "guardians": found["guardians"]}
        return Section(title, Table("email", title, headers, rows), chart, text)

    def consent(self, scope: Scope) -> Section:
        start, end = period_bounds(scope)
        found = internships.consent_turnaround(scope.students, start, end)
        labels = consent_labels()
        rows = [
            [
                Cell(label),
                number(found["bands"][key], link(scope, self, "consent", band=key)),
                share(found["bands"][key], found["count"]),
            ]
            for key, label in labels.items()
        ]
        rows.append(
            [
                Cell(_("Still waiting")),
                number(found["waiting"], link(scope, self, "waiting")),
                Cell(""),
            ]
        )
        title = _("Consent turnaround")
        headers = [_("Days from approval to consent"), _("Internships"), _("Share")]
        chart = charts.bar_chart(
            chart_id="families-consent",
            title=title,
            desc=_(
                "A bar per span of days: the internships whose family consented that long "
                "after the advisor approved them. The table has the shares and those still "
                "waiting."
            ),
            bars=[charts.Bar(labels[key], count) for key, count in found["bands"].items()],
        )
        if found["count"]:
            text = _(
                "%(count)s consents given in the period: a median of %(median)s days and a "
                "mean of %(mean)s days after the advisor's approval. Still waiting: internships "
                "approved and not yet consented to."
            ) % {
                "count": found["count"],
                "median": number(found["median"], decimals=1).text,
                "mean": number(found["mean"], decimals=1).text,
            }
        else:
            text = _("No family consented to an internship in the period.")
        return Section(title, Table("consent", title, headers, rows), chart, text)

    # --- the students behind a number ----------------------------------------------------------

    def drill(self, scope: Scope, measure: str, params: dict):
        students = everyone(scope)
        if measure in ("students", "reached", "unreached"):
            advisory = self.advisory(scope, params)
            students = students.filter(
                pk__in=scope.members.filter(advisory=advisory).values("student_id")
            )
            names = {"advisory": advisory}
            if measure == "students":
                return _("Students in %(advisory)s") % names, students
            hit = Q(pk__in=GuardianLink.objects.filter(reached("guardian__")).values("student_id"))
            if measure == "reached":
                return _(
                    "Students of %(advisory)s whose family is reached"
                ) % names, students.filter(hit)
            caption = _("Students of %(advisory)s whose family is not reached")
            return caption % names, students.exclude(hit)
        if measure == "language":
            code = params.get("language", "")
            if code not in dict(settings.LANGUAGES):
                raise Http404("No such language.")
            links = GuardianLink.objects.filter(guardian__language=code)
            caption = _("Students with a guardian who reads %(language)s")
            return caption % {"language": language_label(code)}, students.filter(
                pk__in=links.values("student_id")
            )
        if measure == "off":
            kind = next((k for k in choosable_kinds() if k.key == params.get("kind")), None)
            if kind is None:
                raise Http404("No such kind of message.")
            guardians = User.objects.filter(REACHED & off_for(kind))
            links = GuardianLink.objects.filter(guardian__in=guardians)
            caption = _("Students with a guardian who gets no email of: %(kind)s")
            return caption % {"kind": kind.label}, students.filter(
                pk__in=links.values("student_id")
            )
        if measure == "consent":
            key = params.get("band", "")
            if key not in consent_labels():
                raise Http404("No such span of days.")
            start, end = period_bounds(scope)
            caption = _("Students whose family consented to an internship: %(span)s")
            chosen = internships.students_consented(students, start, end, key)
            return caption % {"span": consent_labels()[key]}, chosen
        if measure == "waiting":
            _start, end = period_bounds(scope)
            chosen = internships.students_awaiting_consent(students, end)
            return _("Students whose internship waits for their family's consent"), chosen
        raise Http404("No such number in this report.")

    def advisory(self, scope: Scope, params: dict):
        pk = params.get("advisory", "")
        advisory = scope.advisories.filter(pk=pk).first() if pk.isdigit() else None
        if advisory is None:
            raise Http404("No such advisory in this report.")
        return advisory

    def columns(self, scope: Scope) -> list[Column]:
        return [
            Column(_("Guardians"), guardians_column(Q())),
            Column(_("Guardians reached"), guardians_column(reached("guardian__"))),
        ]


REPORT = FamiliesReport()
