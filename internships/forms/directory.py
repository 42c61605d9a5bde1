"""Input shapes for the directory: sites, mentors, opportunities and a student's proposal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateInput, SubmitHelperMixin
from bigpicture.models import validate_deliverable_email
from internships.models import CareerCluster, Mentor, Opportunity, Site


class SiteForm(SubmitHelperMixin, forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "organization",
            "address",
            "cluster",
            "industry",
            "safety_reviewed_on",
            "notes",
            "status",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "safety_reviewed_on": DateInput(),
        }
        help_texts = {
            "status": _("A site a student proposed waits as proposed until you make it active."),
        }

    def _post_clean(self):
        # The site is checked by the service (the organization is unique in the school).
        pass


class SiteProposeForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Propose the site")

    organization = forms.CharField(label=_("Organization"), max_length=200)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cluster = forms.ChoiceField(label=_("Career cluster"), choices=CareerCluster.choices)
    why = forms.CharField(
        label=_("Why it interests you"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What would you like to learn or do there?"),
    )


class MentorForm(SubmitHelperMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Mentors sign in with a link sent to this address; they keep no password."),
        validators=[validate_deliverable_email],
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    job_title = forms.CharField(label=_("Role at the site"), max_length=120, required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    background_check = forms.ChoiceField(
        label=_("Background check"), choices=Mentor.Check.choices, initial=Mentor.Check.MISSING
    )
    checked_on = forms.DateField(label=_("Checked on"), required=False, widget=DateInput())
    check_expires_on = forms.DateField(
        label=_("Check expires on"), required=False, widget=DateInput()
    )

    def __init__(self, *args, sites, mentor: Mentor | None = None, **kwargs):
        if mentor is not None:
            kwargs.setdefault(
                "initial",
                {
                    "first_name": mentor.user.first_name,
                    "last_name": mentor.user.last_name,
                    "email": mentor.user.email,
                    "site": mentor.site_id,
                    **{
                        name: getattr(mentor, name)
                        for name in (
                            "phone",
                            "job_title",
                            "background_check",
                            "checked_on",
                            "check_expires_on",
                        )
                    },
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class OpportunityForm(SubmitHelperMixin, forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = ["site", "mentor", "title", "description", "interests", "is_open"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"mentor": _("Optional: a mentor of this site.")}

    def __init__(self, *args, sites, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].label_from_instance = lambda mentor: f"{mentor} ({mentor.site})"

    def _post_clean(self):
        # Checked by the service (the mentor must work at the site).
        pass
