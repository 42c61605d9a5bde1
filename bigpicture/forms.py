"""Input shapes for people, preferences, school settings, years and terms."""

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from bigpicture import notifications, reminders
from bigpicture.access import GUARDIAN, ROLE_FIELDS, roles_of
from bigpicture.models import (
    Delivery,
    NotificationPreference,
    Role,
    School,
    SchoolYear,
    Term,
    User,
    email_taken_message,
    validate_deliverable_email,
)
from bigpicture.notifications import school_settings
from bigpicture.notifications.rules import KINDS, RULES, Draft


class SubmitHelperMixin:
    """Give a form a crispy helper with one submit button."""

    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


def require_at_least_one(field: forms.IntegerField) -> None:
    """Refuse 0 next to the field; the database's check would refuse it without a message."""
    field.validators.append(MinValueValidator(1))
    field.widget.attrs["min"] = 1


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is read in the school's time zone."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PhoneInput(RegionalPhoneNumberWidget):
    """A phone typed in the school's country's way; a number refused shows as it was typed."""

    def format_value(self, value):
        number = value if isinstance(value, PhoneNumber) else to_python(value, self.region)
        if isinstance(number, PhoneNumber) and not number.is_valid():
            return number.raw_input or value
        return super().format_value(value)


def phone_field(**kwargs) -> PhoneNumberField:
    """A phone number read in the school's country unless it starts with +, kept in E.164."""
    region = settings.PHONENUMBER_DEFAULT_REGION
    example = PhoneNumber.from_string(
        phonenumbers.format_number(
            phonenumbers.example_number(region), phonenumbers.PhoneNumberFormat.E164
        )
    ).as_national
    field = PhoneNumberField(
        label=_("Phone"),
        required=False,
        region=region,
        widget=PhoneInput(region=region),
        help_text=_("With the country code (such as +52) if it is not this school's country."),
        error_messages={
            "invalid": format_lazy(
                _(
                    "Enter a phone number that can be dialled, such as {example}, or one "
                    "starting with + and the country code."
                ),
                example=example,
            )
        },
        **kwargs,
    )
    field.widget.attrs["autocomplete"] = "tel"
    return field


def clean_email_or_phone(form: forms.Form, *, email_needed: bool) -> None:
    """Only a family member may go without an email address (then a phone reaches them);
    the message goes next to the email field."""
    data = form.cleaned_data
    if "email" not in data or "phone" not in data:
        return  # a field already has its own message
    if data["email"]:
        return
    if email_needed:
        form.add_error("email", _("Enter an email address: it is how this person signs in."))
    elif not data["phone"]:
        form.add_error(
            "email",
            _("Enter an email address or a phone number, so the school can reach them."),
        )


class PersonForm(SubmitHelperMixin, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    phone = phone_field()

    class Meta:
        model = User
        fields = ["email", "phone", "first_name", "last_name", "language", "is_active"]
        help_texts = {
            "email": _("How the person signs in. A family member may have a phone instead."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            held = [role for role, field in ROLE_FIELDS.items() if getattr(self.instance, field)]
            self.initial.setdefault("roles", held)
        else:
            del self.fields["is_active"]

    def clean_email(self) -> str | None:
        email = (self.cleaned_data["email"] or "").strip().lower()
        if not email:
            return None  # no address is NULL, never ""
        taken = User.objects.filter(email=email).exclude(pk=self.instance.pk).first()
        if taken is not None:
            raise forms.ValidationError(email_taken_message(taken, self.instance.school_id))
        return email

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return phone.as_e164 if phone else ""

    def clean(self):
        data = super().clean()
        roles = set(data.get("roles") or ())
        clean_email_or_phone(self, email_needed=bool(roles - {GUARDIAN}))
        return data


class PreferencesForm(SubmitHelperMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language"]
        help_texts = {"language": _("The language of the pages and of the messages you get.")}


class SchoolForm(SubmitHelperMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "name",
            "time_zone",
            "term_system",
            "advisory_capacity",
            "second_factor_for_admins",
            "second_factor_for_advisors",
            "access_record_days",
            "evidence_limit_mb",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        require_at_least_one(self.fields["advisory_capacity"])


class SchoolYearForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Add school year")

    class Meta:
        model = SchoolYear
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = SchoolYear.objects.filter(school_id=self.instance.school_id, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The school already has a school year with this name."))
        return name


class TermForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Add term")

    class Meta:
        model = Term
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Term.objects.filter(school_year_id=self.instance.school_year_id, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This school year already has a term with this name."))
        return name


class PasswordSetupForm(PasswordResetForm):
    """Password reset that also reaches people who never had a password (new accounts).

    The email goes through the notification outbox, in the recipient's language, with a
    fresh link made when it leaves.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].validators.append(validate_deliverable_email)

    def get_users(self, email):
        email = email.strip().lower()
        return User.objects.filter(email=email, is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user = context["user"]
        draft = Draft(
            recipient_id=user.pk,
            school_id=user.school_id,
            subject_key=f"user:{user.pk}",
            subject=user.get_full_name(),
            # One link per quarter hour, however often the form is sent (no mail-bombing).
            occasion=f"asked-{int(timezone.now().timestamp()) // 900}",
        )
        notifications.record(reminders.PASSWORD_RESET, [draft])


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in by email, whatever its case, so that failed attempts count per account.

    django-axes reads the account from the ``email`` credential (the user model's
    ``USERNAME_FIELD``), not from ``username``; passing both, lower-cased, makes every
    attempt at one address count against the same (email, address) pair.
    """

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if email and password:
            self.user_cache = authenticate(
                self.request, username=email, email=email, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class NotificationPreferencesForm(SubmitHelperMixin, forms.Form):
    """Per kind of message: by email at once, in one daily email, or only in the app."""

    quiet_hours_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("No email in this time, in your school's time zone."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = dict(
            NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
        )
        # Only the kinds of message that can reach this person's roles: a mentor has no
        # advisory sizes to hear about, a student no weekly summary of their children.
        roles = roles_of(user)
        self.kinds = [kind for kind in KINDS.values() if not kind.hidden and kind.reaches(roles)]
        for kind in self.kinds:
            if kind.safety_critical:
                continue
            self.fields[f"kind_{kind.key}"] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=chosen.get(kind.key, kind.default),
                widget=forms.RadioSelect,
            )
        self.fields["quiet_hours_start"].initial = user.quiet_hours_start
        self.fields["quiet_hours_end"].initial = user.quiet_hours_end
        self.order_fields([f"kind_{kind.key}" for kind in self.kinds])

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if (start is None) != (end is None):
            empty = "quiet_hours_start" if start is None else "quiet_hours_end"
            self.add_error(empty, _("Give both ends of the quiet hours, or neither."))
        elif start is not None and start == end:
            # From 07:00 to 07:00 is either no quiet at all or a whole day without email:
            # ask rather than guess.
            self.add_error(
                "quiet_hours_end",
                _(
                    "Quiet hours must end at another time than they start. To get no email "
                    "by night, choose for example 21:00 to 07:00; to get emails at any time, "
                    "leave both empty."
                ),
            )
        return data

    def choices(self) -> dict[str, str]:
        return {
            name.removeprefix("kind_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_")
        }


class ReminderSettingsForm(SubmitHelperMixin, forms.Form):
    """A school's reminders: each one on or off, and its number of days where it has one."""

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        current = school_settings(school)
        self.rules = [rule for rule in RULES.values() if not rule.safety_critical]
        for rule in self.rules:
            enabled, days = current[rule.key]
            self.fields[f"{rule.key}__enabled"] = forms.BooleanField(
                label=rule.label, help_text=rule.description, required=False, initial=enabled
            )
            if rule.days_label:
                self.fields[f"{rule.key}__days"] = forms.IntegerField(
                    label=rule.days_label,
                    min_value=0 if rule.max_days < 7 else 1,
                    max_value=rule.max_days,
                    initial=days,
                    error_messages={
                        "min_value": _("Enter a number of days of at least %(limit_value)s."),
                    },
                )

    def settings(self) -> dict[str, tuple[bool, int | None]]:
        return {
            rule.key: (
                self.cleaned_data[f"{rule.key}__enabled"],
                self.cleaned_data.get(f"{rule.key}__days"),
            )
            for rule in self.rules
        }
