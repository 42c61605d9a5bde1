"""Daily log pages: a placement's days with its hour totals, the student's check-in and
check-out, the mentor's review and waiting list, the advisor's view of their advisory's
internships, and the school's hour targets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView, View

from bigpicture.access import ADMIN, INTERNSHIP_TEAM, MENTOR, STAFF, STUDENT, RoleRequiredMixin
from bigpicture.mixins import ListPageMixin, RecordsViewMixin, ServiceFormMixin
from bigpicture.models import School
from bigpicture.records import Area
from bigpicture.templatetags.shown import day_in, hours_in
from internships.forms.logs import CheckInForm, CheckOutForm, HoursTargetsForm, ReviewForm
from internships.models import DailyLog, Placement
from internships.selectors import hours
from internships.selectors import logs as selectors
from internships.selectors import pipeline as pipeline_selectors
from internships.services import logs as services
from internships.views.day_rows import DayRows

PLACEMENT_PARTS = ("student__user", "student__school", "site", "mentor__user")


class PlacementLogsView(RecordsViewMixin, RoleRequiredMixin, ListPageMixin, ListView):
    """A placement's days, newest first, with its hours per week, term and school year."""

    allowed_roles = INTERNSHIP_TEAM
    record_area = Area.INTERNSHIP
    template_name = "internships/logs/placement_logs.html"
    context_object_name = "logs"
    paginate_by = 50

    def get_placement(self) -> Placement:
        if not hasattr(self, "placement"):
            self.placement = selectors.placement_in_reach(self.request.user, self.kwargs["pk"])
            if self.placement is None:
                raise Http404("No Placement matches the given query.")
        return self.placement

    def recorded_student(self):
        return self.get_placement().student

    def get_queryset(self):
        # Paged through the days the totals read (``read()`` in get_context_data).
        return selectors.placement_logs(self.get_placement(), lambda: self.totals.newest_first)

    def known_count(self):
        return self.totals.days  # the totals read every day of the placement: no COUNT(*)

    def decorate(self, context):
        rows = selectors.logs_shown(context["object_list"])
        days = DayRows(context["is_intern"], context["is_mentor"])
        for row in rows:
            row["html"] = days.row(row)
        context["logs"] = context["object_list"] = rows
        return context

    def get_context_data(self, **kwargs):
        placement, user = self.get_placement(), self.request.user
        student = placement.student
        is_intern = user.is_student and student.user_id == user.pk

        def read():
            # Asked of the student and school in hand: no query for the intern, an admin or
            # the mentor (who sees the internship, not the student's other hours).
            sees_student = is_intern or student.is_visible_to(user)
            self.totals, progress = hours.placement_hours(placement, with_progress=sees_student)
            language = get_language()  # once for the weeks, not once per week and filter
            # The weeks' rows (up to a year of them, in a fold) as one piece of HTML: four
            # plain cells each, no template tag per cell.
            weeks_rows = format_html_join(
                "\n",
                '<tr><th scope="row">{} ({})</th><td>{}</td><td>{}</td><td>{}</td></tr>',
                (
                    (
                        week["label"],
                        day_in(week["week"], "DATE_FORMAT", language),
                        week["days"],
                        hours_in(week["claimed"], language),
                        hours_in(week["confirmed"], language),
                    )
                    for week in self.totals.weeks
                ),
            )
            return {
                "weeks_rows": weeks_rows,
                "totals": self.totals,
                "progress": progress,
                "can_set_targets": student.school.is_administered_by(user),
            }

        return super().get_context_data(
            **read(),
            placement=placement,
            is_intern=is_intern,
            is_mentor=user.is_mentor and placement.mentor.user_id == user.pk,
            can_check_in=is_intern and placement.status == Placement.Status.ACTIVE,
            **kwargs,
        )


class LogCheckInView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {STUDENT}
    form_class = CheckInForm
    template_name = "internships/logs/check_in.html"
    success_message = _("You are checked in. Check out at the end of the day.")

    def get_placement(self) -> Placement:
        if not hasattr(self, "placement"):
            own = Placement.objects.filter(student__user=self.request.user)
            self.placement = get_object_or_404(
                own.select_related(*PLACEMENT_PARTS), pk=self.kwargs["pk"]
            )
        return self.placement

    def get_initial(self):
        return {"on": self.get_placement().student.school.today()}

    def get_context_data(self, **kwargs):
        placement = self.get_placement()
        return super().get_context_data(
            placement=placement,
            is_active=placement.status == Placement.Status.ACTIVE,
            **kwargs,
        )

    def perform(self, form):
        return services.log_check_in(
            placement=self.get_placement(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("internships:placement-logs", args=[self.get_placement().pk])


class LogMixin(RoleRequiredMixin):
    """Views about one day of a placement, reached through ``get_logs()``."""

    def get_logs(self):
        raise NotImplementedError

    def get_log(self) -> DailyLog:
        if not hasattr(self, "log"):
            logs = self.get_logs().select_related(
                *(f"placement__{part}" for part in PLACEMENT_PARTS)
            )
            self.log = get_object_or_404(logs, pk=self.kwargs["pk"])
        return self.log

    def get_context_data(self, **kwargs):
        log = self.get_log()
        return super().get_context_data(log=log, placement=log.placement, **kwargs)

    def get_success_url(self):
        return reverse("internships:placement-logs", args=[self.get_log().placement_id])


class LogCheckOutView(LogMixin, ServiceFormMixin, FormView):
    """The student's check-out of a day, which they may correct until the mentor reviews it."""

    allowed_roles = {STUDENT}
    form_class = CheckOutForm
    template_name = "internships/logs/check_out.html"
    success_message = _("Your day is logged. Your mentor will confirm it.")

    def get_logs(self):
        return DailyLog.objects.filter(placement__student__user=self.request.user)

    def get_initial(self):
        log = self.get_log()
        fields = ("did", "reflection", "hours", "learning", "engagement", "support")
        return {name: getattr(log, name) for name in fields if getattr(log, name) is not None}

    def get_context_data(self, **kwargs):
        can_change = self.get_log().review == DailyLog.Review.CLAIMED
        return super().get_context_data(can_change=can_change, **kwargs)

    def perform(self, form):
        return services.log_check_out(log=self.get_log(), by=self.request.user, **form.cleaned_data)


class LogReviewView(LogMixin, ServiceFormMixin, FormView):
    """The mentor confirms or disputes one of their intern's days."""

    allowed_roles = {MENTOR}
    form_class = ReviewForm
    template_name = "internships/logs/review.html"
    success_message = _("Your review is saved.")

    def get_logs(self):
        return DailyLog.objects.filter(
            placement__in=Placement.objects.mentored_by(self.request.user)
        )

    def get_initial(self):
        log = self.get_log()
        reviewed = log.review != DailyLog.Review.CLAIMED
        return {
            "decision": log.review if reviewed else DailyLog.Review.CONFIRMED,
            "confirmed_hours": log.confirmed_hours if reviewed else log.hours,
            "comment": log.mentor_comment,
        }

    def perform(self, form):
        return services.log_review(log=self.get_log(), by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("internships:mentor-logs")


class MentorLogsView(RoleRequiredMixin, ListView):
    """Every day waiting for the mentor's review, across their interns, oldest first."""

    allowed_roles = {MENTOR}
    template_name = "internships/logs/mentor_logs.html"
    context_object_name = "logs"
    paginate_by = 50

    def get_queryset(self):
        return selectors.waiting_for(self.request.user)

    def get_context_data(self, **kwargs):
        # Paged in the database (a mentor's queue may grow long); only the page's rows are
        # finished for the list, and grouped per intern and week for "confirm these days".
        context = super().get_context_data(**kwargs)
        context["logs"] = selectors.waiting_shown(context["page_obj"].object_list)
        context["weeks"] = selectors.waiting_weeks(context["logs"])
        return context


class MentorLogsConfirmView(RoleRequiredMixin, View):
    """The mentor confirms at once the days of one intern's week shown on their page."""

    allowed_roles = {MENTOR}
    http_method_names = ["post"]

    def post(self, request):
        versions = request.POST.getlist("day")
        try:
            confirmed = services.logs_confirm(by=request.user, versions=versions)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("internships:mentor-logs")
        left = len(set(versions)) - confirmed
        if confirmed:
            done = ngettext("%(count)s day confirmed.", "%(count)s days confirmed.", confirmed)
            messages.success(request, done % {"count": confirmed})
        if left > 0:
            skipped = ngettext(
                "%(count)s day was not confirmed: it was changed or reviewed after you "
                "opened this page. If it still waits for you, it is listed below.",
                "%(count)s days were not confirmed: they were changed or reviewed after you "
                "opened this page. Those still waiting for you are listed below.",
                left,
            )
            messages.warning(request, skipped % {"count": left})
        return redirect("internships:mentor-logs")


class AdvisoryInternshipsView(RoleRequiredMixin, TemplateView):
    """The advisor's view of their advisory's internships: who has none, who is behind on
    hours, whose days wait for the mentor, whose internship has gone quiet."""

    allowed_roles = STAFF
    template_name = "internships/logs/advisory_internships.html"

    def get_context_data(self, **kwargs):
        advisory = selectors.advisory_in_reach(self.request.user, self.kwargs["pk"])
        if advisory is None:
            raise Http404("No Advisory matches the given query.")

        def read():
            rows = selectors.advisory_internships(advisory)
            names = {row.student.pk: row.student.display_name for row in rows}
            consents = pipeline_selectors.consents_waiting(names)
            return {
                "rows": rows,
                "consents": consents,
                "to_call": sum(consent.to_call for consent in consents),
                "without": sum(not row.has_internship for row in rows),
                "behind": sum(row.behind for row in rows),
                "unconfirmed": sum(bool(row.unconfirmed) for row in rows),
                "quiet": sum(row.quiet for row in rows),
            }

        return super().get_context_data(advisory=advisory, **read(), **kwargs)


class HoursTargetsView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """The internship hours a school expects of a student in each year level."""

    allowed_roles = {ADMIN}
    form_class = HoursTargetsForm
    template_name = "internships/logs/hours_targets.html"
    success_message = _("The hour targets are saved.")

    def get_school(self) -> School:
        if not hasattr(self, "school"):
            schools = School.objects.administered_by(self.request.user)
            self.school = get_object_or_404(schools, pk=self.kwargs["pk"])
        return self.school

    def get_initial(self):
        targets = hours.targets_of(self.get_school())
        return {f"y{level}": hours for level, hours in targets.items()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(school=self.get_school(), **kwargs)

    def perform(self, form):
        return services.hours_targets_set(
            school=self.get_school(), by=self.request.user, targets=form.targets()
        )

    def get_success_url(self):
        return reverse("internships:hours-targets", args=[self.get_school().pk])
