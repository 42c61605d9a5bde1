"""Input shapes for narratives, exhibitions, panelists' feedback and exhibition results."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateTimeLocalInput, SubmitHelperMixin
from students.models import FIVE_GOALS, Exhibition, Feedback
from students.selectors.assessment import section_labels

NOT_RATED = [("", _("Not rated"))]


class NarrativeForm(SubmitHelperMixin, forms.Form):
    """One text per learning goal, and one for the personal goals; ``seen`` carries the
    version of the narrative the form was opened on, so a save over a newer one is refused."""

    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sections: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, name, question in section_labels():
            self.fields[key] = forms.CharField(
                label=name,
                help_text=question,
                required=False,
                initial=(sections or {}).get(key, ""),
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def sections(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key, _name, _question in section_labels()}


class NarrativeCreateForm(NarrativeForm):
    submit_label = _("Save narrative")

    term = forms.ModelChoiceField(label=_("Term"), queryset=None, empty_label=None)

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["seen"]  # a new narrative has no earlier version to compare with
        self.fields["term"].queryset = terms
        self.order_fields(["term"])


class ExhibitionForm(SubmitHelperMixin, forms.Form):
    """When and where, what work is shown, and who sits on the panel."""

    submit_label = _("Save exhibition")

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=DateTimeLocalInput(),
        help_text=_("In the school's time zone."),
    )
    duration = forms.IntegerField(
        label=_("Length in minutes"), min_value=5, max_value=480, initial=45
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    gateway = forms.ChoiceField(
        label=_("Gateway"), choices=Exhibition.Gateway.choices, required=False
    )
    work = forms.ModelMultipleChoiceField(
        label=_("Work to show"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Goals and projects from the student's plan for the exhibition's term."),
        error_messages={"invalid_choice": _("Choose work from this student's own plan.")},
    )
    guardians = forms.ModelMultipleChoiceField(
        label=_("Guardians on the panel"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only this student's guardians.")},
    )
    mentor = forms.ModelChoiceField(
        label=_("Mentor"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a mentor of this student's internship.")},
    )
    peers = forms.ModelMultipleChoiceField(
        label=_("Peers"),
        queryset=None,
        required=False,
        help_text=_("Students of the same advisory."),
        error_messages={"invalid_choice": _("Choose other students of the same advisory.")},
    )
    outside = forms.CharField(
        label=_("Outside adults"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One name per line. The advisor is on the panel too; panelists who gave feedback "
            "stay on it."
        ),
    )

    def __init__(self, *args, work, guardians, mentors, peers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work"].queryset = work
        self.fields["work"].label_from_instance = lambda item: f"{item.title} ({item.plan.term})"
        self.fields["guardians"].queryset = guardians
        self.fields["mentor"].queryset = mentors
        self.fields["peers"].queryset = peers

    def clean_outside(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["outside"].splitlines() if name.strip()]

    def clean(self):
        data = super().clean()
        # Checkboxes show their errors beside a choice: with none to show, say it above.
        if "work" in self.errors and not self.fields["work"].queryset.exists():
            self.add_error(None, self.errors.pop("work"))
        return data


class ExhibitionUpdateForm(ExhibitionForm):
    cancelled = forms.BooleanField(label=_("Cancel this exhibition"), required=False)


class FeedbackForm(SubmitHelperMixin, forms.Form):
    """A level per learning goal (each optional), what went well and what to work on."""

    submit_label = _("Save feedback")

    strengths = forms.CharField(
        label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    suggestions = forms.CharField(
        label=_("Suggestions"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, feedback: Feedback | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = feedback.ratings if feedback else {}
        for code, (name, question) in FIVE_GOALS.items():
            self.fields[code] = forms.TypedChoiceField(
                label=name,
                help_text=question,
                choices=NOT_RATED + Feedback.Level.choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=ratings.get(code, ""),
                error_messages={"invalid_choice": _("Choose a level from 1 to 4.")},
            )
        if feedback is not None:
            self.fields["strengths"].initial = feedback.strengths
            self.fields["suggestions"].initial = feedback.suggestions
        self.order_fields([*FIVE_GOALS, "strengths", "suggestions"])

    def ratings(self) -> dict:
        return {code: self.cleaned_data.get(code) for code in FIVE_GOALS}


class ExhibitionResultForm(SubmitHelperMixin, forms.Form):
    """The exhibition is held: the panel's summary and, for a gateway, its outcome."""

    submit_label = _("Record the result")

    summary = forms.CharField(
        label=_("Summary of the panel's feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    outcome = forms.ChoiceField(
        label=_("Gateway outcome"), choices=Exhibition.Outcome.choices, required=False
    )

    def __init__(self, *args, gateway: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not gateway:
            del self.fields["outcome"]
