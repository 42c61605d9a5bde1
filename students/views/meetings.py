"""Pages about learning plan meetings, and each person's private calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from bigpicture import records
from bigpicture.access import ALL_ROLES, LEARNING_TEAM, STAFF, RoleRequiredMixin
from bigpicture.mixins import RecordsViewMixin, ServiceFormMixin
from bigpicture.notifications import site_url
from bigpicture.records import Area
from students import calendar
from students.forms.meetings import (
    MeetingForm,
    MeetingRecordForm,
    MeetingResponseForm,
    MeetingUpdateForm,
)
from students.models import CalendarFeed, MeetingInvite, PlanMeeting, Student
from students.selectors import meetings as selectors
from students.services import meetings as services
from students.views.mixins import StudentMixin


class FetchMeeting:
    """Fetch the meeting of the URL before anything else, so one out of reach is a 404
    whatever the method (even for pages that only take a POST)."""

    def meetings(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.meeting = get_object_or_404(self.meetings(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class MeetingMixin(RoleRequiredMixin, FetchMeeting):
    """A page about one meeting a person may see (its team, the student's family, staff)."""

    allowed_roles = ALL_ROLES

    def meetings(self):
        return selectors.meetings_visible_to(self.request.user)


class MeetingEditMixin(RoleRequiredMixin, FetchMeeting):
    """A page that changes one meeting: the student's advisor and the school's admins."""

    allowed_roles = STAFF

    def meetings(self):
        return PlanMeeting.objects.editable_by(self.request.user).select_related(
            "student__user", "student__school", "advisor", "term"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def get_success_url(self):
        return self.meeting.get_absolute_url()


class MeetingListView(RecordsViewMixin, StudentMixin, TemplateView):
    allowed_roles = LEARNING_TEAM
    record_area = Area.MEETING
    template_name = "students/meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        student = self.get_student()
        return super().get_context_data(
            meetings=selectors.meetings_of(student),
            can_schedule=student.is_led_by(self.request.user),
            **kwargs,
        )


class MeetingCreateView(StudentMixin, ServiceFormMixin, FormView):
    allowed_roles = STAFF
    form_class = MeetingForm
    template_name = "students/meetings/meeting_form.html"
    success_message = _("The meeting is scheduled and the invitations are on their way.")

    def students(self):
        return Student.objects.led_by(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "student": self.get_student()}

    def get_initial(self):
        return {"guardians": selectors.default_guardian_ids(self.get_student())}

    def perform(self, form):
        return services.meeting_schedule(
            student=self.get_student(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class MeetingDetailView(RecordsViewMixin, MeetingMixin, DetailView):
    template_name = "students/meetings/meeting_detail.html"
    context_object_name = "meeting"
    record_area = Area.MEETING

    def recorded_student(self):
        return self.meeting.student

    def get_object(self, queryset=None):
        return self.meeting

    def get_context_data(self, **kwargs):
        user, meeting = self.request.user, self.meeting
        mine = [invite for invite in meeting.invites.all() if invite.person_id == user.pk]
        return super().get_context_data(
            my_invite=mine[0] if mine else None,
            can_edit=PlanMeeting.objects.editable_by(user).filter(pk=meeting.pk).exists(),
            is_scheduled=meeting.status == PlanMeeting.Status.SCHEDULED,
            has_begun=meeting.starts_at <= timezone.now(),
            Response=MeetingInvite.Response,
            **kwargs,
        )


class MeetingUpdateView(MeetingEditMixin, ServiceFormMixin, FormView):
    form_class = MeetingUpdateForm
    template_name = "students/meetings/meeting_form.html"
    success_message = _("The meeting is changed; whoever it concerns hears of it.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "student": self.meeting.student}

    def get_initial(self):
        meeting, invites = self.meeting, list(self.meeting.invites.all())
        mentors = [i.person_id for i in invites if i.role == MeetingInvite.Role.MENTOR]
        return {
            **{name: getattr(meeting, name) for name in services.DETAILS},
            "guardians": [i.person_id for i in invites if i.role == MeetingInvite.Role.GUARDIAN],
            "mentor": mentors[0] if mentors else None,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(student=self.meeting.student, **kwargs)

    def perform(self, form):
        return services.meeting_update(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


class MeetingRecordView(MeetingEditMixin, ServiceFormMixin, FormView):
    form_class = MeetingRecordForm
    template_name = "students/meetings/meeting_record.html"
    success_message = _("The notes and decisions are saved; the meeting is marked held.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.meeting}

    def perform(self, form):
        return services.meeting_record(
            meeting=self.meeting, by=self.request.user, **form.cleaned_data
        )


class MeetingCancelView(MeetingEditMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            services.meeting_cancel(meeting=self.meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The meeting is cancelled and the team is told."))
        return redirect(self.meeting)


class MeetingRespondView(MeetingMixin, View):
    def post(self, request, *args, **kwargs):
        form = MeetingResponseForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Say whether you are coming or not."))
            services.meeting_respond(
                meeting=self.meeting, by=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: your answer is saved."))
        return redirect(self.meeting)


class MeetingIcsView(MeetingMixin, View):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            calendar.meeting_file(self.meeting), content_type="text/calendar; charset=utf-8"
        )
        filename = f"meeting-{self.meeting.pk}.ics"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        records.viewed(request, Area.MEETING, self.meeting.student)
        return response


class CalendarView(RoleRequiredMixin, TemplateView):
    """A person's calendar page; the private address shows only when it is made (only its
    hash is kept), so the page is never cached."""

    allowed_roles = ALL_ROLES
    template_name = "students/meetings/calendar.html"

    def get(self, request, *args, **kwargs):
        # The first visit makes the address, and shows it this once.
        return self.show(services.calendar_feed_open(person=request.user))

    def show(self, token: str | None):
        response = self.render_to_response(self.get_context_data(token=token))
        add_never_cache_headers(response)
        return response

    def get_context_data(self, *, token: str | None = None, **kwargs):
        user = self.request.user
        feed_url = site_url(reverse("students:calendar-feed", args=[token])) if token else ""
        return super().get_context_data(
            feed=selectors.calendar_feed_of(user),
            feed_url=feed_url,
            webcal_url="webcal://" + feed_url.split("://", 1)[-1] if feed_url else "",
            invites=selectors.upcoming_invites_of(user),
            **kwargs,
        )


class CalendarResetView(CalendarView):
    """POST: a new private address, shown on the page this once; the old one stops working."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = services.calendar_feed_reset(person=request.user)
        messages.success(request, _("Your calendar has a new address; the old one is closed."))
        return self.show(token)


@method_decorator(login_not_required, name="dispatch")
class CalendarFeedView(View):
    """A person's private calendar, opened by the secret in its address (no sign-in)."""

    def get(self, request, token: str):
        feed = CalendarFeed.objects.opened_by(token).select_related("person").first()
        if feed is None:
            raise Http404
        person = feed.person
        with translation.override(person.language):
            content = calendar.feed(
                name=str(_("Meetings and exhibitions")),
                meetings=selectors.feed_meetings(person),
                exhibitions=selectors.feed_exhibitions(person),
            )
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
