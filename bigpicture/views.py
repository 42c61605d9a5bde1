"""The core pages: preferences, school settings, years and terms, people, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, ListView, UpdateView, View

from bigpicture import access, notifications, selectors, services
from bigpicture.access import ADMIN, ALL_ROLES, RoleRequiredMixin
from bigpicture.forms import (
    NotificationPreferencesForm,
    PersonForm,
    PreferencesForm,
    ReminderSettingsForm,
    SchoolForm,
    SchoolYearForm,
    TermForm,
)
from bigpicture.mixins import ListPageMixin, QueryStringMixin, ServiceFormMixin
from bigpicture.models import Notification, Role, School, SchoolYear, Term, User
from bigpicture.twofactor.selectors import second_factor_status


class PreferencesView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = ALL_ROLES
    form_class = PreferencesForm
    template_name = "bigpicture/preferences_form.html"
    success_url = reverse_lazy("bigpicture:preferences")
    success_message = _("Your preferences are saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.user}

    def perform(self, form):
        user = services.preferences_update(user=self.request.user, **form.cleaned_data)
        translation.activate(user.language)  # confirm in the language just chosen
        return user


class SchoolAdminMixin(RoleRequiredMixin):
    """Views about one school, reachable only by the admins of that school."""

    allowed_roles = {ADMIN}

    def get_school(self) -> School:
        if not hasattr(self, "school"):
            schools = School.objects.administered_by(self.request.user)
            self.school = get_object_or_404(schools, pk=self.kwargs["pk"])
        return self.school

    def get_context_data(self, **kwargs):
        return super().get_context_data(school=self.get_school(), **kwargs)


class SchoolUpdateView(SchoolAdminMixin, ServiceFormMixin, UpdateView):
    form_class = SchoolForm
    template_name = "bigpicture/school_form.html"
    success_message = _("The school's settings are saved.")

    def get_object(self, queryset=None):
        return self.get_school()

    def perform(self, form):
        return services.school_update(school=self.object, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class SchoolYearListView(SchoolAdminMixin, ServiceFormMixin, FormView):
    """The school's years and terms, with a form to add a year."""

    form_class = SchoolYearForm
    template_name = "bigpicture/schoolyear_list.html"
    success_message = _("The school year is added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": SchoolYear(school=self.get_school())}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = (
            SchoolYear.objects.filter(school=self.get_school())
            .prefetch_related("terms")
            .order_by("-start_date")
        )
        return context

    def perform(self, form):
        return services.school_year_create(
            school=self.get_school(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("bigpicture:year-list", kwargs={"pk": self.get_school().pk})


class TermCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {ADMIN}
    form_class = TermForm
    template_name = "bigpicture/term_form.html"
    success_message = _("The term is added.")

    def get_year(self) -> SchoolYear:
        if not hasattr(self, "year"):
            years = SchoolYear.objects.filter(
                school__in=School.objects.administered_by(self.request.user)
            ).select_related("school")
            self.year = get_object_or_404(years, pk=self.kwargs["pk"])
        return self.year

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Term(school_year=self.get_year())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.get_year(), **kwargs)

    def perform(self, form):
        return services.term_create(
            school_year=self.get_year(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("bigpicture:year-list", kwargs={"pk": self.get_year().school_id})


class PersonListView(RoleRequiredMixin, ListPageMixin, ListView):
    allowed_roles = {ADMIN}
    requires_own_school = True
    template_name = "bigpicture/user_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self):
        school = self.request.user.school
        if school is None:
            return User.objects.none()
        return selectors.people_in(
            school,
            search=self.request.GET.get("q", ""),
            role=self.request.GET.get("role", ""),
        )

    def count_cache_key(self):
        role = self.request.GET.get("role", "")
        return self.school_count_key("people", role if role in access.ROLE_FIELDS else "any")

    def decorate(self, context):
        context["people"] = selectors.person_rows(context["people"])
        return context

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            roles=Role.choices,
            q=self.request.GET.get("q", ""),
            role=self.request.GET.get("role", ""),
            **kwargs,
        )


class PersonCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = {ADMIN}
    requires_own_school = True
    form_class = PersonForm
    template_name = "bigpicture/user_form.html"
    success_message = _(
        "The person is added. They choose a password from the sign-in page, through "
        "“Forgot your password, or setting it for the first time?”."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": User(school=self.request.user.school)}

    def perform(self, form):
        data = form.cleaned_data
        return services.person_create(
            school=self.request.user.school,
            by=self.request.user,
            roles=set(data["roles"]),
            email=data["email"],
            phone=data["phone"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            language=data["language"],
        )

    def get_success_url(self):
        return reverse("bigpicture:person-list")


class PersonUpdateView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = {ADMIN}
    form_class = PersonForm
    template_name = "bigpicture/user_form.html"
    context_object_name = "person"
    success_message = _("The person's details are saved.")

    def get_queryset(self):
        return User.objects.editable_by(self.request.user)

    def get_context_data(self, **kwargs):
        status = second_factor_status(self.object, self.request.user)
        return super().get_context_data(second_factor=status, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        roles = set(data.pop("roles"))
        return services.person_update(person=self.object, by=self.request.user, roles=roles, **data)

    def get_success_url(self):
        return reverse("bigpicture:person-list")


class NotificationListView(RoleRequiredMixin, ListView):
    """My notifications: every message the outbox wrote for me, emailed or not."""

    allowed_roles = ALL_ROLES
    template_name = "bigpicture/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.addressed_to(self.request.user).select_related(
            "recipient__school"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for notification in context["notifications"]:
            notification.title = notifications.subject_of(notification)
        return context


class NotificationReadView(RoleRequiredMixin, View):
    allowed_roles = ALL_ROLES
    http_method_names = ["post"]

    def post(self, request):
        notifications.mark_read(request.user)
        messages.success(request, _("All your notifications are marked as read."))
        return redirect("bigpicture:notification-list")


class NotificationPreferencesMixin(ServiceFormMixin):
    form_class = NotificationPreferencesForm
    template_name = "bigpicture/notification_preferences.html"
    success_message = _("Your choices are saved.")

    def get_person(self):
        raise NotImplementedError

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.get_person()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.get_person(), **kwargs)

    def perform(self, form):
        return services.notification_preferences_update(
            user=self.get_person(),
            choices=form.choices(),
            quiet_hours_start=form.cleaned_data["quiet_hours_start"],
            quiet_hours_end=form.cleaned_data["quiet_hours_end"],
        )

    def get_success_url(self):
        return self.request.path


class NotificationPreferencesView(RoleRequiredMixin, NotificationPreferencesMixin, FormView):
    allowed_roles = ALL_ROLES

    def get_person(self):
        return self.request.user


@method_decorator([login_not_required, never_cache], name="dispatch")
class TokenPreferencesView(NotificationPreferencesMixin, FormView):
    """The unsubscribe link in every email: the same choices, without signing in. Saving
    retires the link (the page moves to a new one), and nothing of it is kept by a browser."""

    def get_person(self):
        if not hasattr(self, "person"):
            self.person = notifications.user_from_preferences_token(self.kwargs["token"])
            if self.person is None:
                raise Http404("This link is not valid any more.")
        return self.person

    def get_success_url(self):
        token = notifications.preferences_token(self.get_person())
        return reverse("bigpicture:preferences-token", args=[token])


class ReminderSettingsView(SchoolAdminMixin, ServiceFormMixin, FormView):
    form_class = ReminderSettingsForm
    template_name = "bigpicture/reminder_settings.html"
    success_message = _("The school's reminders are saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "school": self.get_school()}

    def perform(self, form):
        return services.reminder_settings_update(
            school=self.get_school(), by=self.request.user, settings=form.settings()
        )

    def get_success_url(self):
        return reverse("bigpicture:reminder-settings", kwargs={"pk": self.get_school().pk})


class OutboxView(SchoolAdminMixin, QueryStringMixin, ListView):
    """A school's outbox: what was written, to whom, and whether it went out."""

    template_name = "bigpicture/outbox_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        rows = Notification.objects.filter(school=self.get_school()).select_related(
            "recipient__school"
        )
        status = self.request.GET.get("status", "")
        if status in Notification.Status.values:
            rows = rows.filter(status=status)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = [
            (value, label, count)
            for (value, label), count in zip(
                Notification.Status.choices,
                notifications.status_counts(self.get_school()).values(),
                strict=True,
            )
        ]
        context["status"] = self.request.GET.get("status", "")
        for notification in context["notifications"]:
            notification.title = notifications.subject_of(notification)
        return context
