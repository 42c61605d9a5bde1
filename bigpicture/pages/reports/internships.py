"""The internships report: participation by year level, confirmed hours against the year
level's target, hours by site and by career cluster, mentors whose background check is due,
days waiting for the mentor and internships gone quiet."""

from django.db.models import Case, Value, When
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bigpicture.pages.reports import charts
from bigpicture.pages.reports.scope import LEVELS, Scope
from bigpicture.pages.reports.tables import (
    PARAMETER,
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
from internships import report as data
from internships.models import CareerCluster, Mentor, Site
from internships.selectors.logs import QUIET_AFTER_DAYS


def hour_band_labels() -> dict[str, str]:
    return {
        "none": _("No hours"),
        "quarter": _("Under 25 %"),
        "half": _("25 to 50 %"),
        "three_quarters": _("50 to 75 %"),
        "almost": _("75 to 100 %"),
        "met": _("Target met"),
    }


def age_labels() -> dict[str, str]:
    return {
        "week": _("Up to 7 days"),
        "fortnight": _("8 to 14 days"),
        "month": _("15 to 30 days"),
        "older": _("Over 30 days"),
    }


def cluster_label(key: str) -> str:
    return str(CareerCluster(key).label) if key in CareerCluster.values else key


class InternshipsReport(Report):
    slug = "internships"
    title = gettext_lazy("Internships")
    summary = gettext_lazy(
        "Participation by year level, confirmed hours against the target, "
        "hours by site and career cluster, mentors' checks, days unconfirmed, "
        "internships gone quiet."
    )

    def levels(self, scope: Scope) -> list[int]:
        return [scope.level] if scope.level else list(LEVELS)

    def sections(self, scope: Scope) -> list[Section]:
        advisories = list(scope.advisories.values_list("pk", "name"))
        return [
            self.participation(scope),
            self.hours(scope),
            self.sites(scope),
            self.clusters(scope),
            self.mentors(scope),
            self.unconfirmed(scope, advisories),
            self.quiet(scope, advisories),
        ]

    def participation(self, scope: Scope) -> Section:
        counts = data.participation(scope.members, scope.start, scope.end)
        rows, bars = [], []
        for level in self.levels(scope):
            students, interns = counts.get(scope.graduating_class(level), (0, 0))
            rows.append(
                [
                    Cell(str(level)),
                    number(students, link(scope, self, "level", level=level)),
                    number(interns, link(scope, self, "interns", level=level)),
                    share(interns, students),
                ]
            )
            bars.append(
                charts.Bar(
                    str(level),
                    100 * interns / students if students else 0,
                    share(interns, students).text,
                )
            )
        title = _("Participation by year level")
        headers = [_("Year level"), _("Students"), _("With an internship"), _("Share")]
        chart = charts.bar_chart(
            chart_id="internships-participation",
            title=title,
            desc=_(
                "A bar per year level: the share of its students with an internship in the "
                "period. The table has the numbers."
            ),
            bars=bars,
            maximum=100,
        )
        text = _(
            "An internship counts when the mentor took the intern on (active, completed, or "
            "ended early after it started) and its days overlap the period."
        )
        return Section(title, Table("participation", title, headers, rows), chart, text)

    def hours(self, scope: Scope) -> Section:
        per_level = data.targets(scope.school.pk)
        levels = self.levels(scope)
        classes = {scope.graduating_class(level): per_level.get(level, 0) for level in levels}
        sums = data.hours_bands(scope.students, scope.start, scope.end, classes)
        labels = hour_band_labels()
        rows, stacks = [], []
        for level in levels:
            graduating_class = scope.graduating_class(level)
            target = classes[graduating_class]
            found = sums.get(graduating_class, {"students": 0, "mean": None, "bands": {}})
            bands = found["bands"]
            counts = [bands.get(key, 0) if target else None for key in labels]
            rows.append(
                [
                    Cell(str(level)),
                    number(found["students"], link(scope, self, "level", level=level)),
                    number(target or None),
                    number(found["mean"], decimals=1),
                    *(
                        number(count, link(scope, self, "hours", level=level, band=key))
                        for key, count in zip(labels, counts, strict=True)
                    ),
                ]
            )
            stacks.append(charts.Stack(str(level), [count or 0 for count in counts]))
        title = _("Confirmed hours against the target")
        headers = [
            _("Year level"),
            _("Students"),
            _("Target (hours)"),
            _("Mean confirmed hours"),
            *labels.values(),
        ]
        chart = charts.stacked_chart(
            chart_id="internships-hours",
            title=title,
            desc=_(
                "A bar per year level split by the share of the year level's target each "
                "student's confirmed hours reach, from none to the target met. The table has "
                "the numbers and the mean."
            ),
            keys=list(labels.values()),
            stacks=stacks,
        )
        text = _(
            "Hours the mentor confirmed on days of the period (a disputed day counts the "
            "hours the mentor stood by), against the school's target for the year level; a "
            "year level without a target shows no bands."
        )
        return Section(title, Table("hours", title, headers, rows), chart, text)

    def sites(self, scope: Scope) -> Section:
        found = data.hours_by(
            scope.students, scope.start, scope.end, "pk", "organization", "cluster"
        )
        rows = [
            [
                Cell(name),
                Cell(cluster_label(cluster)),
                number(hours, decimals=1),
                number(days),
                number(students, link(scope, self, "site", site=pk)),
            ]
            for pk, name, cluster, hours, days, students in found
        ]
        title = _("Confirmed hours by site")
        headers = [_("Site"), _("Career cluster"), _("Hours"), _("Days"), _("Students")]
        shown = found[:15]
        chart = charts.bar_chart(
            chart_id="internships-sites",
            title=title,
            desc=_(
                "A bar per site, most hours first (the first fifteen): the hours its mentors "
                "confirmed in the period. The table has every site."
            ),
            bars=[charts.Bar(name, float(hours)) for _pk, name, _cluster, hours, *_rest in shown],
        )
        return Section(title, Table("sites", title, headers, rows), chart)

    def clusters(self, scope: Scope) -> Section:
        found = data.hours_by(scope.students, scope.start, scope.end, "cluster")
        rows = [
            [
                Cell(cluster_label(cluster)),
                number(hours, decimals=1),
                number(days),
                number(students, link(scope, self, "cluster", cluster=cluster)),
            ]
            for cluster, hours, days, students in found
        ]
        title = _("Confirmed hours by career cluster")
        headers = [_("Career cluster"), _("Hours"), _("Days"), _("Students")]
        chart = charts.bar_chart(
            chart_id="internships-clusters",
            title=title,
            desc=_(
                "A bar per career cluster of the sites, most hours first: the hours mentors "
                "confirmed in the period. The table has the days and students."
            ),
            bars=[
                charts.Bar(cluster_label(cluster), float(hours)) for cluster, hours, *_r in found
            ],
        )
        return Section(title, Table("clusters", title, headers, rows), chart)

    def mentors(self, scope: Scope) -> Section:
        day = scope.day
        found = data.mentors_to_check(scope.students, day)
        rows, counts = [], {"expired": 0, "expiring": 0, "none": 0}
        for pk, first, last, email, site, check, expires, interns in found:
            if expires is None:
                state, left, shown = "none", None, _("none on file")
            else:
                left = (expires - day).days
                state = "expired" if left < 0 else "expiring"
                shown = date_format(expires, "SHORT_DATE_FORMAT")
            counts[state] += 1
            rows.append(
                [
                    Cell(f"{first} {last}".strip() or email),
                    Cell(site),
                    Cell(str(Mentor.Check(check).label)),
                    Cell(shown, value=expires),
                    number(left),
                    number(interns, link(scope, self, "mentor", mentor=pk)),
                ]
            )
        labels = {
            "expired": _("Expired"),
            "expiring": _("Expiring within 30 days"),
            "none": _("No expiry date"),
        }
        title = _("Mentors' background checks")
        headers = [
            _("Mentor"),
            _("Site"),
            _("Check"),
            _("Expires on"),
            _("Days left"),
            _("Interns"),
        ]
        chart = charts.bar_chart(
            chart_id="internships-mentors",
            title=title,
            desc=_(
                "Three bars: the mentors whose check has expired, expires within 30 days, or "
                "has no expiry date. The table names each mentor."
            ),
            bars=[charts.Bar(labels[key], counts[key]) for key in labels],
        )
        text = _(
            "Mentors of internships signed or under way, whose background check has expired, "
            "expires within 30 days of %(day)s, or has no expiry date on file."
        ) % {"day": date_format(day, "DATE_FORMAT")}
        return Section(title, Table("mentors", title, headers, rows), chart, text)

    def unconfirmed(self, scope: Scope, advisories) -> Section:
        found = data.unconfirmed(scope.members, scope.start, scope.day)
        labels = age_labels()
        rows, stacks = [], []
        for pk, name in advisories:
            sums = found.get(pk, {})
            oldest = sums.get("oldest")
            # The age columns' links are the row's plus their age: the filters are encoded
            # once per row, not once per cell (the same address ``link`` would build).
            href = link(scope, self, "unconfirmed", advisory=pk)
            rows.append(
                [
                    Cell(name),
                    number(sums.get("days", 0)),
                    number(sums.get("students", 0), href),
                    *(number(sums.get(key, 0), f"{href}&{PARAMETER}age={key}") for key in labels),
                    number((scope.day - oldest).days if oldest else None),
                ]
            )
            stacks.append(charts.Stack(name, [sums.get(key, 0) for key in labels]))
        title = _("Days waiting for the mentor")
        headers = [
            _("Advisory"),
            _("Days"),
            _("Students"),
            *labels.values(),
            _("Oldest (days)"),
        ]
        chart = charts.stacked_chart(
            chart_id="internships-unconfirmed",
            title=title,
            desc=_(
                "A bar per advisory: its students' internship days checked out and not yet "
                "confirmed by the mentor, split by how long ago the day was. The table has "
                "the numbers."
            ),
            keys=list(labels.values()),
            stacks=stacks,
        )
        text = _(
            "Days of the period the student checked out of and the mentor has not yet "
            "reviewed; their age is counted from the day to the report's day."
        )
        return Section(title, Table("unconfirmed", title, headers, rows), chart, text)

    def quiet(self, scope: Scope, advisories) -> Section:
        found = data.quiet(scope.members, scope.day)
        rows, bars = [], []
        for pk, name in advisories:
            active, silent = found.get(pk, (0, 0))
            rows.append(
                [
                    Cell(name),
                    number(active, link(scope, self, "active", advisory=pk)),
                    number(silent, link(scope, self, "quiet", advisory=pk)),
                    share(silent, active),
                ]
            )
            bars.append(charts.Bar(name, silent))
        title = _("Internships gone quiet")
        headers = [_("Advisory"), _("Active internships"), _("Gone quiet"), _("Share")]
        chart = charts.bar_chart(
            chart_id="internships-quiet",
            title=title,
            desc=_(
                "A bar per advisory: its active internships with no day logged lately. The "
                "table has the active internships and the share."
            ),
            bars=bars,
        )
        text = _(
            "An active internship with no day logged in the %(days)s days before %(day)s "
            "(nor since its first day, for one that started more than %(days)s days ago)."
        ) % {"days": QUIET_AFTER_DAYS, "day": date_format(scope.day, "DATE_FORMAT")}
        return Section(title, Table("quiet", title, headers, rows), chart, text)

    # --- the students behind a number ----------------------------------------------------------

    def drill(self, scope: Scope, measure: str, params: dict):
        students = everyone(scope)
        start, end, day = scope.start, scope.end, scope.day
        if measure in ("level", "interns", "hours"):
            level = self.level(scope, params)
            students = students.filter(graduating_class=scope.graduating_class(level))
            if measure == "level":
                return _("Students of year level %(level)s") % {"level": level}, students
            if measure == "interns":
                caption = _("Students of year level %(level)s with an internship")
                return caption % {"level": level}, data.interns(students, start, end)
            key = params.get("band", "")
            target = data.targets(scope.school.pk).get(level)
            if key not in hour_band_labels() or not target:
                raise Http404("No such band of hours.")
            caption = _("Students of year level %(level)s with confirmed hours: %(band)s")
            chosen = data.students_in_band(students, start, end, key, target)
            return caption % {"level": level, "band": hour_band_labels()[key]}, chosen
        if measure == "site":
            site = self.site(scope, params)
            caption = _("Students with confirmed hours at %(site)s")
            return caption % {"site": site}, data.students_with_hours_at(
                students, start, end, pk=site.pk
            )
        if measure == "cluster":
            cluster = params.get("cluster", "")
            if cluster not in CareerCluster.values:
                raise Http404("No such career cluster.")
            caption = _("Students with confirmed hours in %(cluster)s")
            chosen = data.students_with_hours_at(students, start, end, cluster=cluster)
            return caption % {"cluster": cluster_label(cluster)}, chosen
        if measure == "mentor":
            mentor = params.get("mentor", "")
            chosen = data.mentored(students, day, int(mentor)) if mentor.isdigit() else None
            if chosen is None or not chosen.exists():
                raise Http404("No such mentor in this report.")
            return _("Interns of a mentor whose background check is due"), chosen
        if measure in ("unconfirmed", "active", "quiet"):
            return self.advisory_drill(scope, measure, params)
        raise Http404("No such number in this report.")

    def advisory_drill(self, scope: Scope, measure: str, params: dict):
        advisory = self.advisory(scope, params)
        students = everyone(scope).filter(
            pk__in=scope.members.filter(advisory=advisory).values("student_id")
        )
        names = {"advisory": advisory}
        if measure == "unconfirmed":
            key = params.get("age", "")
            if key and key not in age_labels():
                raise Http404("No such age.")
            chosen = data.students_waiting(students, scope.start, scope.day, key)
            caption = _("Students of %(advisory)s with days waiting for the mentor")
            if key:
                caption = _("Students of %(advisory)s with days waiting for the mentor: %(age)s")
                names["age"] = age_labels()[key]
            return caption % names, chosen
        if measure == "active":
            caption = _("Students of %(advisory)s with an active internship")
            return caption % names, data.students_quiet(students, scope.day, only_quiet=False)
        caption = _("Students of %(advisory)s with an internship gone quiet")
        return caption % names, data.students_quiet(students, scope.day)

    def level(self, scope: Scope, params: dict) -> int:
        level = params.get("level", "")
        if not level.isdigit() or int(level) not in self.levels(scope):
            raise Http404("No such year level.")
        return int(level)

    def site(self, scope: Scope, params: dict) -> Site:
        pk = params.get("site", "")
        site = Site.objects.filter(school=scope.school, pk=pk).first() if pk.isdigit() else None
        if site is None:
            raise Http404("No such site in this report.")
        return site

    def advisory(self, scope: Scope, params: dict):
        pk = params.get("advisory", "")
        advisory = scope.advisories.filter(pk=pk).first() if pk.isdigit() else None
        if advisory is None:
            raise Http404("No such advisory in this report.")
        return advisory

    def columns(self, scope: Scope) -> list[Column]:
        return [
            Column(_("Confirmed hours"), data.confirmed_column(scope.start, scope.end)),
            Column(
                _("Days waiting for the mentor"), data.unconfirmed_column(scope.start, scope.day)
            ),
            Column(
                _("Internship gone quiet"),
                Case(
                    When(data.quiet_column(scope.day), then=Value(_("yes"))), default=Value(_("no"))
                ),
            ),
        ]


REPORT = InternshipsReport()
