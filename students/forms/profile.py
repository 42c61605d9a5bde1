"""Input shapes for students' profiles, enrolment and guardian links."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from advisories.forms import PlacementForm
from advisories.models import Advisory
from bigpicture.forms import DateInput, SubmitHelperMixin, clean_email_or_phone, phone_field
from bigpicture.models import User, email_taken_message, validate_deliverable_email
from students.models import GuardianLink, Student


class StudentProfileForm(SubmitHelperMixin, forms.ModelForm):
    class Meta:
        model = Student
        fields = ["preferred_name", "interests", "talents", "needs", "learning_style", "motivation"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["interests", "talents", "needs", "learning_style", "motivation"]
        }
        help_texts = {
            "interests": _("What are you curious about? What would you like to explore?"),
            "talents": _("What are you good at? What do others come to you for?"),
            "needs": _("What helps you do your best work? What gets in the way?"),
            "learning_style": _("Hands-on, by talking it through, by reading, by watching..."),
            "motivation": _("What gets you going in the morning?"),
        }


class StudentCreateForm(SubmitHelperMixin, PlacementForm):
    submit_label = _("Enroll student")
    field_order = [
        *("email", "first_name", "last_name", "graduating_class", "language", "advisory"),
        *("start_date", "override_capacity", "reason", "place_anyway"),
    ]

    email = forms.EmailField(label=_("Email address"), validators=[validate_deliverable_email])
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    graduating_class = forms.IntegerField(
        label=_("Graduating class"), min_value=2000, max_value=2200
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    advisory = forms.ModelChoiceField(
        label=_("Advisory"), queryset=Advisory.objects.none(), required=False
    )
    start_date = forms.DateField(
        label=_("In the advisory from"), required=False, widget=DateInput()
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, school=school, **kwargs)
        self.school = school

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        taken = User.objects.filter(email=email).first()
        if taken is not None:
            raise forms.ValidationError(email_taken_message(taken, self.school.pk))
        return email


class GuardianLinkForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Link guardian")

    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_(
            "A guardian already known to the school is linked; a new one is invited by email. "
            "A family without email can be reached by phone: leave it empty and give a phone."
        ),
        validators=[validate_deliverable_email],
    )
    phone = phone_field()
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="en"
    )

    class Meta:
        model = GuardianLink
        fields = ["relationship", "is_primary_contact", "lives_with_student", "receives_reminders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["email", "phone", "first_name", "last_name", "language"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return phone.as_e164 if phone else ""  # stored as +12025550143 (E.164)

    def clean(self):
        data = super().clean()
        clean_email_or_phone(self, email_needed=False)
        return data

    def _post_clean(self):
        # The link is validated by the service, once the guardian is known.
        pass


class GuardianLinkUpdateForm(SubmitHelperMixin, forms.ModelForm):
    """How a guardian relates to a student, and the phone the school calls them on."""

    phone = phone_field()

    class Meta:
        model = GuardianLink
        fields = ["relationship", "is_primary_contact", "lives_with_student", "receives_reminders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["phone"])
        if self.instance.pk:
            self.initial.setdefault("phone", self.instance.guardian.phone)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not phone and self.instance.pk and not self.instance.guardian.email:
            raise forms.ValidationError(
                _("This guardian has no email address: keep a phone number to reach them.")
            )
        return phone.as_e164 if phone else ""

    def _post_clean(self):
        # Validated by the service, which hands the primary contact over when needed.
        pass
