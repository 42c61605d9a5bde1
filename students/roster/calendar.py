"""Planning a roster's school years and terms (part of the dry run, plan.py)."""

import itertools
from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _

from bigpicture.dates import span_errors
from bigpicture.models import SchoolYear, Term
from students.roster.rules import K


class CalendarPlan:
    """academicSessions.csv: a schoolYear is a SchoolYear, the innermost other sessions of a
    year (terms, semesters, grading periods) its Terms."""

    def _sessions(self) -> None:
        file = self.file("academicSessions")
        by_name = {y.name: y for y in self.years.values()}
        self.session_year: dict[str, SchoolYear] = {}  # any session's sid -> its year
        self.session_start: dict[str, date] = {}
        sessions = {s.sid: s for s in self.data.sessions}
        for s in self.data.sessions:
            if s.type != "schoolYear":
                continue
            year = self._known(K.YEAR, s.sid, self.years)
            if year is None and (year := by_name.get(s.title)) is not None:
                if year.pk in self.keyed[K.YEAR]:
                    self.error(file, s.line, "title", _("A school year of this name exists."))
                    continue
                self.key(K.YEAR, s.sid, year)
            if errors := span_errors(self.today, start_date=s.start, end_date=s.end):
                self.error(file, s.line, "startDate", next(iter(errors.values())))
                continue
            if year is None:
                year = SchoolYear(
                    school=self.school, name=s.title, start_date=s.start, end_date=s.end
                )
                self.plan.create[SchoolYear].append(year)
                self.key(K.YEAR, s.sid, year)
                self.report.count("years", "created")
            else:
                self._set(year, "years", name=s.title, start_date=s.start, end_date=s.end)
            by_name[s.title] = year
            self.session_year[s.sid] = year
            self.session_start[s.sid] = s.start
        parents = {s.parent for s in self.data.sessions}
        all_years = self._final_years()
        for s in self.data.sessions:
            if s.type == "schoolYear":
                continue
            year = self._year_of(s, sessions, all_years)
            if year is None:
                self.error(
                    file,
                    s.line,
                    "parentSourcedId",
                    _("No school year of the file or of the school holds this term."),
                )
                continue
            self.session_year[s.sid] = year
            self.session_start[s.sid] = s.start
            if s.sid in parents:
                continue  # a semester split in grading periods: the periods are the terms
            self._term(s, year)
        self._check_calendar()

    def _final_years(self) -> list[SchoolYear]:
        return [*self.years.values(), *self.plan.create[SchoolYear]]

    def _year_of(self, s, sessions, all_years) -> SchoolYear | None:
        parent, seen = s.parent, set()
        while parent and parent not in seen:
            seen.add(parent)
            if parent in self.session_year:
                return self.session_year[parent]
            if (known := self._known(K.YEAR, parent, self.years)) is not None:
                return known
            parent = sessions[parent].parent if parent in sessions else ""
        for year in all_years:
            inside = year.start_date <= s.start and s.end <= year.end_date
            if inside and s.school_year in (None, year.end_date.year):
                return year
        return None

    def _term(self, s, year: SchoolYear) -> None:
        term = self._known(K.TERM, s.sid, self.terms)
        if term is None:
            term = next(
                (
                    t
                    for t in self.terms.values()
                    if t.school_year_id == year.pk and t.name == s.title and year.pk
                ),
                None,
            )
            if term is not None:
                if term.pk in self.keyed[K.TERM]:
                    self.error(
                        self.file("academicSessions"),
                        s.line,
                        "title",
                        _("A term of this name exists."),
                    )
                    return
                self.key(K.TERM, s.sid, term)
        if term is None:
            term = Term(school_year=year, name=s.title, start_date=s.start, end_date=s.end)
            self.plan.create[Term].append(term)
            self.key(K.TERM, s.sid, term)
            self.report.count("terms", "created")
        else:
            if term.school_year_id != year.pk:
                term.school_year = year
                self.plan.changed(term, {"school_year"})
            self._set(term, "terms", name=s.title, start_date=s.start, end_date=s.end)
        term.line = s.line

    def _check_calendar(self) -> None:
        """Years that do not overlap, terms inside their year that do not overlap: as the
        school's own forms would refuse them."""
        file = self.file("academicSessions")
        years = sorted(self._final_years(), key=lambda y: y.start_date)
        for before, after in itertools.pairwise(years):
            if after.start_date <= before.end_date:
                self.error(
                    file,
                    None,
                    "startDate",
                    f"{SchoolYear.overlap_message} ({before.name}, {after.name})",
                )
        terms = [*self.terms.values(), *self.plan.create[Term]]
        by_year = defaultdict(list)
        for term in terms:
            year = term._state.fields_cache.get("school_year") or self.years[term.school_year_id]
            by_year[id(year)].append(term)
            if not (year.contains(term.start_date) and year.contains(term.end_date)):
                self.error(
                    file,
                    getattr(term, "line", None),
                    "startDate",
                    _("A term must fall inside its school year.") + f" ({term.name})",
                )
        for group in by_year.values():
            group.sort(key=lambda t: t.start_date)
            for before, after in itertools.pairwise(group):
                if after.start_date <= before.end_date:
                    self.error(
                        file,
                        getattr(after, "line", None),
                        "startDate",
                        str(Term.overlap_message) + f" ({before.name}, {after.name})",
                    )
        current = [y for y in years if y.start_date <= self.today <= y.end_date]
        later = [y for y in years if y.start_date > self.today]
        self.current_year = (current or later[:1] or years[-1:] or [None])[0]
