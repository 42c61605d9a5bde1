"""What the expectations say: a student's profile over the terms, an advisory's view and the
school's view with its heat map. Each page costs a fixed number of queries."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from advisories.models import Advisory
from bigpicture.access import LEARNING_TEAM, STAFF, RoleRequiredMixin
from bigpicture.mixins import QueryStringMixin
from bigpicture.models import Term
from bigpicture.views import SchoolAdminMixin
from expectations import charts
from expectations.selectors import insight as selectors
from expectations.selectors.catalog import wordings
from expectations.selectors.tags import tags_of, work_to_tag
from students.models import Student
from students.views.mixins import StudentMixin

COMMENTS_PER_PAGE = 50


def profile_cards(profile: selectors.Profile, tags: dict) -> list[dict]:
    """Per expectation with ratings or tagged work: its chart, the trend in words, the table
    of the same numbers and the work that serves it."""
    cards = []
    for line in profile.lines:
        work = tags.get(line.wording.key, [])
        rows = line.table(profile.terms)
        if not rows and not work:
            continue
        cards.append(
            {
                "wording": line.wording,
                "chart": charts.line_chart(line.own, profile.terms) if rows else None,
                "chart_id": f"chart-{line.wording.key}",
                "title": _("%(expectation)s: the student's ratings by term")
                % {"expectation": line.wording.name},
                "summary": charts.trend_words(line.own, profile.terms),
                "rows": [(term, *map(charts.shown, values)) for term, *values in rows],
                "work": work,
            }
        )
    return cards


def bar_rows(lines: list[selectors.Line]) -> list[dict]:
    """The distribution chart's rows: an expectation's counts, its average in words."""
    rows = []
    for line in lines:
        if line.suppressed:
            note, counts = _("fewer than 5 answers"), [0] * 5
        elif not line.answers:
            note, counts = _("no answers this term"), line.counts
        else:
            note = _("average %(average)s") % {"average": charts.shown(line.average)}
            counts = line.counts
        rows.append(
            {"name": line.wording.name, "counts": counts, "note": note, "weakest": line.weakest}
        )
    return rows


def table_rows(found: list[selectors.Group]) -> list[tuple[str, str]]:
    """A table row per group: its name, then its respondents and its averages as cells (done
    here once: a big school's table has thousands of cells)."""
    fewer, separator = _("fewer than 5"), charts.decimal_separator()
    return [
        (
            group.name,
            charts.table_cells(
                [
                    fewer if group.suppressed else str(group.respondents),
                    *(
                        fewer if mean is None else charts.decimal(mean, separator)
                        for mean, _n in group.cells
                    ),
                ]
            ),
        )
        for group in found
    ]


def weakest_of(lines: list[selectors.Line]) -> selectors.Line | None:
    """The expectation marked weakest, if any."""
    return next((line for line in lines if line.weakest), None)


def by_expectation(lines: list[selectors.Line], comments) -> list[tuple]:
    """Comments grouped under the expectation they answer, in the expectations' order."""
    grouped: dict[int, list] = {}
    for comment in comments:
        grouped.setdefault(comment.expectation_id, []).append(comment)
    return [
        (line.wording, grouped[line.wording.pk]) for line in lines if line.wording.pk in grouped
    ]


class TermPageMixin:
    """A page about one term of a school, chosen with ``?term=`` (default: the current one)."""

    def term_context(self, school) -> dict:
        """The school's terms, the chosen one and the one before, the school's wording."""
        terms = selectors.school_terms(school.pk)
        term = selectors.chosen_term(terms, self.request.GET.get("term"), school.today())
        words = wordings(school.pk, active_only=False)
        return {
            "terms": terms,
            "term": term,
            "previous": selectors.previous_term(terms, term),
            "words": words,
        }

    def figures(self, found: selectors.Tally, words, *, suppress: bool) -> dict:
        """Per expectation the numbers, the weakest and the distribution chart."""
        lines = selectors.lines(words, found.now, found.before, suppress=suppress)
        return {
            "lines": lines,
            "weakest": weakest_of(lines),
            "bars": charts.distribution_chart(bar_rows(lines)),
            "scores": selectors.SCORES,
        }


class ProfileView(StudentMixin, TemplateView):
    """A student's expectations profile: their ratings over the terms and their tagged work."""

    allowed_roles = LEARNING_TEAM
    template_name = "expectations/profile.html"

    def get_context_data(self, **kwargs):
        student = self.get_student()
        words = wordings(student.school_id, active_only=False)
        found = selectors.profile(student, words)
        can_tag = Student.objects.editable_by(self.request.user).filter(pk=student.pk).exists()
        term = Term.objects.current_for(student.school) if can_tag else None
        return super().get_context_data(
            cards=profile_cards(found, tags_of(student)),
            terms=found.terms,
            own_profile=student.user_id == self.request.user.pk,
            to_tag=work_to_tag(student, term) if can_tag else [],
            **kwargs,
        )


class AdvisoryInsightView(TermPageMixin, RoleRequiredMixin, TemplateView):
    """An advisory's expectations for a term: its advisor reads the comments with names; the
    school's admins read only shared ones, without names, from five students up."""

    allowed_roles = STAFF
    template_name = "expectations/advisory_insight.html"

    def get_advisory(self) -> Advisory:
        advisories = Advisory.objects.visible_to(self.request.user).select_related("school")
        return get_object_or_404(advisories, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        advisory = self.get_advisory()
        is_advisor = advisory.advisor_id == self.request.user.pk
        context = super().get_context_data(
            advisory=advisory, is_advisor=is_advisor, **self.term_context(advisory.school), **kwargs
        )
        term = context["term"]
        if term is None:
            return context
        found = selectors.tally(term, context["previous"], advisory_id=advisory.pk)
        context.update(self.figures(found, context["words"], suppress=not is_advisor))
        context.update(self.comments(advisory, term, context["lines"], is_advisor))
        return context

    def comments(self, advisory, term, lines, is_advisor: bool) -> dict:
        """Names for the advisor; for admins shared ones only, from five students up."""
        if is_advisor:
            found = selectors.comments_with_names(term, advisory.pk)
            return {"comments": by_expectation(lines, found), "comments_hidden": False}
        if selectors.student_reflections(term, advisory.pk) < selectors.MIN_GROUP:
            return {"comments": [], "comments_hidden": True}
        found = selectors.shared_comments(term, [advisory.pk])
        comments = [selectors.Comment(pk, text) for pk, text in found]
        return {"comments": by_expectation(lines, comments), "comments_hidden": False}


class SchoolInsightView(TermPageMixin, QueryStringMixin, SchoolAdminMixin, TemplateView):
    """The school's expectations for a term, by advisory and year level, with a heat map and
    the comments shared without names (from groups of five and more)."""

    template_name = "expectations/school_insight.html"

    def get_context_data(self, **kwargs):
        school = self.get_school()
        context = super().get_context_data(**self.term_context(school), **kwargs)
        advisories = selectors.advisory_names(school.pk)
        advisory_id = self.chosen(advisories, "advisory")
        level = self.chosen(selectors.level_names(), "year_level")
        context.update(advisories=advisories[:-1], advisory_id=advisory_id, year_level=level)
        context["year_levels"] = selectors.YEAR_LEVELS
        term = context["term"]
        if term is None:
            return context
        found = selectors.tally(
            term, context["previous"], advisory_id=advisory_id, year_level=level
        )
        context.update(self.figures(found, context["words"], suppress=True))
        shown = [line.wording for line in context["lines"]]
        by_advisory = selectors.groups(found.by_advisory, advisories, shown)
        context.update(
            columns=shown,
            by_advisory=table_rows(by_advisory),
            by_level=table_rows(selectors.groups(found.by_level, selectors.level_names(), shown)),
            heat=charts.heat_map(
                [group.name for group in by_advisory],
                [(str(wording.number), wording.name) for wording in shown],
                [group.cells for group in by_advisory],
                chart_id="school-heat",
            ),
            comments=self.comments(term, by_advisory, level, shown),
        )
        return context

    def chosen(self, choices: list[tuple], name: str) -> int | None:
        """A filter of the query string, if it names one of the choices (else none)."""
        raw = self.request.GET.get(name, "")
        return next((key for key, _label in choices if key is not None and str(key) == raw), None)

    def comments(self, term, by_advisory, level, shown):
        """A page of the shared comments, each under its expectation's name."""
        allowed = [group.key for group in by_advisory if not group.suppressed]
        found = selectors.shared_comments(term, allowed, year_level=level) if allowed else []
        page = Paginator(found, COMMENTS_PER_PAGE).get_page(self.request.GET.get("page"))
        names = {wording.pk: wording.name for wording in shown}
        page.rows = [(names.get(pk, ""), text) for pk, text in page.object_list]
        return page


urlpatterns = [
    path("students/<int:pk>/", ProfileView.as_view(), name="profile"),
    path("advisories/<int:pk>/", AdvisoryInsightView.as_view(), name="advisory"),
    path("schools/<int:pk>/", SchoolInsightView.as_view(), name="school"),
]
