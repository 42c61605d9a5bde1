"""The reads behind a student's portfolio: their four years, term by term, as one viewer may
see them. A fixed number of queries whatever the length of the history: each kind of row is
read once for the whole student (``values()`` rows, hours summed in the database), then laid
out term by term in Python."""

import functools
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from advisories.models import Membership
from bigpicture.links import link
from bigpicture.models import Term
from bigpicture.names import display_name
from expectations.selectors.catalog import wordings
from expectations.selectors.insight import Profile, profile
from internships.models import DailyLog, Placement
from students.models import (
    FIVE_GOALS,
    Evidence,
    Exhibition,
    Feedback,
    LearningPlan,
    Narrative,
    PlanItem,
    Student,
)
from students.selectors.assessment import section_labels

MET = PlanItem.Progress.MET
Status = Exhibition.Status

# --- paper -------------------------------------------------------------------------------------

PAPERS = {"a4": "A4", "letter": "letter"}
# Countries whose paper is US Letter (ISO 3166 codes, as the time zone table names them).
LETTER_COUNTRIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "CR", "GT", "PA", "DO", "SV", "NI", "HN", "PR"}
)


@functools.cache
def _zone_countries() -> dict[str, str]:
    """Time zone -> country code, from the system's time zone table (empty without one)."""
    countries: dict[str, str] = {}
    for root in zoneinfo.TZPATH:
        table = Path(root) / "zone.tab"
        if not table.exists():
            continue
        for line in table.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                code, _coordinates, zone, *_rest = line.split("\t")
                countries.setdefault(zone, code)
        break
    return countries


def default_paper(school) -> str:
    """The paper of the school's country (Letter in the US, Canada, ...), else A4."""
    country = _zone_countries().get(school.time_zone, "")
    if not country and school.time_zone.startswith(("US/", "Canada/")):
        country = "US"
    return "letter" if country in LETTER_COUNTRIES else "a4"


def paper_for(asked: str | None, school) -> str:
    """The paper asked for (``a4`` or ``letter``), else the school's default."""
    asked = (asked or "").lower()
    return asked if asked in PAPERS else default_paper(school)


# --- the portfolio -------------------------------------------------------------------------------


@dataclass
class Goal:
    title: str
    kind: str
    progress: str
    met: bool
    goals: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)


@dataclass
class TermSection:
    pk: int
    name: str
    start: date
    end: date
    plan: dict | None = None
    goals: list[Goal] = field(default_factory=list)
    exhibitions: list[dict] = field(default_factory=list)
    narratives: list[dict] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.plan or self.exhibitions or self.narratives)


@dataclass
class YearSection:
    name: str
    level: int | None
    terms: list[TermSection] = field(default_factory=list)


@dataclass
class Portfolio:
    student: Student
    school: object
    advisory: dict | None
    year_level: int | None
    years: list[YearSection]
    internships: list[dict]
    hours: Decimal
    gateways: list[dict]
    expectations: list[dict]
    expectation_terms: list[str]
    made_at: datetime | None = None


def absolute(path: str) -> str:
    """An address on this site as an absolute link (a PDF is read away from the site)."""
    return settings.SITE_URL.rstrip("/") + path


def _advisory_now(student: Student) -> dict | None:
    rows = Membership.objects.current().filter(student_id=student.pk)
    return rows.values(
        "advisory__name", "advisory__advisor__first_name", "advisory__advisor__last_name"
    ).first()


def _plans(viewer, student: Student) -> list[dict]:
    plans = LearningPlan.objects.visible_to(viewer).filter(student_id=student.pk)
    return list(
        plans.annotate(
            total=Count("items"), met=Count("items", filter=Q(items__progress=MET))
        ).values(
            "pk",
            "term_id",
            "status",
            "interests",
            "life_goals",
            "learning_style",
            "total",
            "met",
        )
    )


def _items(plan_ids: list[int]) -> list[dict]:
    items = PlanItem.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "position", "pk")
    return list(items.values("pk", "plan_id", "title", "kind", "progress", "is_personal"))


def _item_goals(plan_ids: list[int]) -> dict[int, list[str]]:
    links = PlanItem.learning_goals.through.objects.filter(planitem__plan_id__in=plan_ids)
    found: dict[int, list[str]] = {}
    rows = links.order_by("learninggoal__position").values_list(
        "planitem_id", "learninggoal__code", "learninggoal__name"
    )
    for item, code, name in rows:
        found.setdefault(item, []).append(str(FIVE_GOALS.get(code, (name,))[0]))
    return found


def _evidence(viewer, plan_ids: list[int]) -> dict[int, list[dict]]:
    rows = Evidence.objects.visible_to(viewer).filter(item__plan_id__in=plan_ids)
    found: dict[int, list[dict]] = {}
    for row in rows.order_by("item_id", "created_at", "pk").values("pk", "item_id", "title", "url"):
        address = row["url"] or absolute(link("students:evidence-file", row["pk"]))
        found.setdefault(row["item_id"], []).append({"title": row["title"], "url": address})
    return found


def _internships(viewer, student: Student) -> list[dict]:
    """The internships that began (the mentor accepted the intern), with their confirmed
    hours summed in the database."""
    started = Q(status__in=Placement.STARTED) | Q(
        status=Placement.Status.ENDED, accepted_at__isnull=False
    )
    confirmed = Coalesce(
        Sum("logs__confirmed_hours", filter=~Q(logs__review=DailyLog.Review.CLAIMED)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )
    placements = Placement.objects.visible_to(viewer).filter(started, student_id=student.pk)
    rows = (
        placements.annotate(confirmed=confirmed)
        .order_by("start_on", "pk")
        .values(
            "pk",
            "project",
            "project_description",
            "status",
            "start_on",
            "end_on",
            "confirmed",
            "site__organization",
            "mentor__job_title",
            "mentor__user__first_name",
            "mentor__user__last_name",
        )
    )
    found = []
    for row in rows:
        row["status_label"] = str(Placement.Status(row["status"]).label)
        row["mentor"] = display_name(
            "", row["mentor__user__first_name"], row["mentor__user__last_name"]
        )
        row["url"] = absolute(link("internships:placement-detail", row["pk"]))
        found.append(row)
    return found


def _exhibitions(viewer, student: Student) -> list[dict]:
    rows = Exhibition.objects.visible_to(viewer).filter(student_id=student.pk)
    return list(
        rows.exclude(status=Status.CANCELLED)
        .order_by("starts_at", "pk")
        .values("pk", "term_id", "title", "starts_at", "status", "gateway", "outcome", "summary")
    )


def _feedback(exhibition_ids: list[int]) -> dict[int, list[dict]]:
    rows = Feedback.objects.filter(exhibition_id__in=exhibition_ids).order_by("pk")
    found: dict[int, list[dict]] = {}
    for row in rows.values("exhibition_id", "ratings"):
        found.setdefault(row["exhibition_id"], []).append(row["ratings"] or {})
    return found


def by_learning_goal(ratings: list[dict]) -> list[dict]:
    """Per learning goal, the panel's average level, the level it reaches (its label) and how
    many rated it."""
    levels = dict(Feedback.Level.choices)
    rows = []
    for code, (name, _question) in FIVE_GOALS.items():
        given = [int(r[code]) for r in ratings if str(r.get(code, "")).isdigit()]
        average = sum(given) / len(given) if given else None
        rows.append(
            {
                "name": name,
                "count": len(given),
                "average": average,
                # the level the average reaches: 3.5 is proficient, not yet exemplary
                "level": levels.get(int(average)) if average else "",
            }
        )
    return rows


def _exhibition_row(row: dict, feedback: dict, results: bool) -> dict:
    """An exhibition as the portfolio shows it: feedback and outcome only where the viewer may
    read them (staff always; the student and the family once it is held)."""
    shown = results or row["status"] == Status.HELD
    row["status_label"] = str(Status(row["status"]).label)
    row["gateway_label"] = str(Exhibition.Gateway(row["gateway"]).label) if row["gateway"] else ""
    row["outcome_label"] = (
        str(Exhibition.Outcome(row["outcome"]).label) if shown and row["gateway"] else ""
    )
    row["summary"] = row["summary"] if shown else ""
    row["feedback"] = by_learning_goal(feedback.get(row["pk"], [])) if shown else []
    row["rated"] = any(goal["count"] for goal in row["feedback"])
    return row


def _narratives(viewer, student: Student) -> list[dict]:
    rows = Narrative.objects.visible_to(viewer).filter(student_id=student.pk)
    labels = section_labels()
    found = []
    for row in rows.order_by("kind").values(
        "term_id", "kind", "sections", "published_at", "author__first_name", "author__last_name"
    ):
        sections = row["sections"] or {}
        found.append(
            {
                "term_id": row["term_id"],
                "kind_label": str(Narrative.Kind(row["kind"]).label),
                "author": display_name("", row["author__first_name"], row["author__last_name"]),
                "draft": row["kind"] == Narrative.Kind.ADVISOR and row["published_at"] is None,
                "sections": [
                    {"name": name, "text": sections.get(key, "")}
                    for key, name, _question in labels
                    if sections.get(key, "").strip()
                ],
            }
        )
    return found


def _terms(term_ids: set[int]):
    return Term.objects.filter(pk__in=term_ids).select_related("school_year").order_by("start_date")


def _expectations(student: Student) -> tuple[list[dict], list[str]]:
    """The 10 Expectations profile (ratings over the terms: the student's own, the family's
    and the advisor's average; never a comment), where the student has ratings."""
    found: Profile = profile(student, wordings(student.school_id, active_only=False))
    rows = []
    for line in found.lines:
        table = line.table(found.terms)
        if table:
            rows.append({"wording": line.wording, "rows": table})
    return rows, found.terms


def portfolio(viewer, student: Student, year=None) -> Portfolio:
    """A student's portfolio as a person may see it (the student fetched through
    ``Student.objects.visible_to``, with their person and school). A fixed number of
    queries, whatever the years of history."""
    plans = _plans(viewer, student)
    plan_ids = [plan["pk"] for plan in plans]
    items, goals, evidence = _items(plan_ids), _item_goals(plan_ids), _evidence(viewer, plan_ids)
    exhibitions = _exhibitions(viewer, student)
    results = student.is_led_by(viewer)
    feedback = _feedback([row["pk"] for row in exhibitions])
    exhibitions = [_exhibition_row(row, feedback, results) for row in exhibitions]
    narratives = _narratives(viewer, student)
    term_ids = {row["term_id"] for row in (*plans, *exhibitions, *narratives)}
    terms = {term.pk: term for term in _terms(term_ids)}
    sections = {
        pk: TermSection(pk, term.name, term.start_date, term.end_date) for pk, term in terms.items()
    }
    goals_of: dict[int, list[Goal]] = {}
    progress = dict(PlanItem.Progress.choices)
    kinds = dict(PlanItem.Kind.choices)
    for item in items:
        goals_of.setdefault(item["plan_id"], []).append(
            Goal(
                title=item["title"],
                kind=kinds.get(item["kind"], item["kind"]),
                progress=progress.get(item["progress"], item["progress"]),
                met=item["progress"] == MET,
                goals=goals.get(item["pk"], []),
                evidence=evidence.get(item["pk"], []),
            )
        )
    statuses = dict(LearningPlan.Status.choices)
    for plan in plans:
        plan["status_label"] = statuses.get(plan["status"], plan["status"])
        plan["url"] = absolute(link("students:plan-detail", plan["pk"]))
        sections[plan["term_id"]].plan = plan
        sections[plan["term_id"]].goals = goals_of.get(plan["pk"], [])
    for row in exhibitions:
        sections[row["term_id"]].exhibitions.append(row)
    for row in narratives:
        sections[row["term_id"]].narratives.append(row)
    years: dict[int, YearSection] = {}
    for pk, term in terms.items():
        school_year = term.school_year
        section = years.setdefault(
            school_year.pk,
            YearSection(school_year.name, school_year.year_level(student.graduating_class)),
        )
        section.terms.append(sections[pk])
    internships = _internships(viewer, student)
    expectations, expectation_terms = _expectations(student)
    return Portfolio(
        student=student,
        school=student.school,
        advisory=_advisory_now(student),
        year_level=year.year_level(student.graduating_class) if year else None,
        years=list(years.values()),
        internships=internships,
        hours=sum((row["confirmed"] for row in internships), Decimal("0")),
        gateways=[row for row in exhibitions if row["gateway"]],
        expectations=expectations,
        expectation_terms=expectation_terms,
    )
