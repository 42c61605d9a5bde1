"""Input shapes along the way into an internship: an exploration, the proposal and its
agreement, a step of the pipeline, a site visit, the mentor's evaluation."""

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateInput, SubmitHelperMixin
from internships.models import (
    RUBRIC_KEYS,
    RUBRIC_LEVELS,
    WORKPLACE_QUALITIES,
    Exploration,
    Placement,
    SiteVisit,
)
from internships.services.pipeline import STEPS
from students.models import FIVE_GOALS


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ExplorationForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Log the exploration")

    class Meta:
        model = Exploration
        fields = ["kind", "on", "site", "with_whom", "reflection"]
        widgets = {
            "kind": forms.RadioSelect,
            "on": DateInput(),
            "reflection": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "site": _("A workplace of the school's directory, if it is one."),
            "with_whom": _("Who you met, and where, if the site is not in the directory."),
            "reflection": _("What did you learn? Would you like to go further there?"),
        }

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].required = False


class PlanItemChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, item):
        return f"{item.title} ({item.kind_label})"


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, mentor):
        return f"{mentor} ({mentor.site})"


class PlacementForm(SubmitHelperMixin, forms.Form):
    """The proposal: where and with whom, the project, its goals, the schedule and dates."""

    submit_label = _("Propose the internship")

    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    mentor = MentorChoiceField(
        label=_("Mentor"),
        queryset=None,
        help_text=_("The mentor's background check must be cleared on the first day."),
    )
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=None, required=False)
    project = forms.CharField(label=_("Internship project"), max_length=200)
    project_description = forms.CharField(
        label=_("What the project is"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    plan_items = PlanItemChoiceField(
        label=_("Learning plan goals"),
        queryset=None,
        required=False,
        help_text=_("Goals and projects of this term's learning plan the internship serves."),
    )
    days = forms.MultipleChoiceField(
        label=_("Days of the week"),
        choices=Placement.Day.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at_time = forms.TimeField(label=_("From"), widget=TimeInput())
    ends_at_time = forms.TimeField(label=_("Until"), widget=TimeInput())
    start_on = forms.DateField(label=_("First day"), widget=DateInput())
    end_on = forms.DateField(label=_("Last day"), widget=DateInput())
    review_on = forms.DateField(
        label=_("Review date"),
        widget=DateInput(),
        required=False,
        help_text=_("When the team looks at how it goes, between the first and the last day."),
    )

    def __init__(self, *args, sites, mentors, opportunities, plan_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["mentor"].queryset = mentors
        self.fields["opportunity"].queryset = opportunities
        self.fields["plan_items"].queryset = plan_items

    @classmethod
    def initial_from(cls, placement: Placement) -> dict:
        """The form's values from a placement's agreement."""
        names = [name for name in cls.base_fields if name != "plan_items"]
        initial = {name: getattr(placement, name) for name in names}
        initial["plan_items"] = list(placement.plan_items.values_list("pk", flat=True))
        return initial


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=[(name, name) for name in STEPS])
    note = forms.CharField(required=False, max_length=5000)


class ConsentDeclineForm(SubmitHelperMixin, forms.Form):
    """A family declines consent to the agreement, saying why."""

    submit_label = _("Decline consent")

    reason = forms.CharField(
        label=_("Why you do not consent"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The advisor reads it and comes back to you: the internship does not go ahead "
            "without your consent."
        ),
        error_messages={"required": _("Say why you do not consent: the advisor reads it.")},
    )


class ConsentQuestionForm(SubmitHelperMixin, forms.Form):
    """A family asks the advisor a question before consenting."""

    submit_label = _("Send the question")

    question = forms.CharField(
        label=_("Your question for the advisor"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The internship waits for your consent while the advisor answers."),
        error_messages={"required": _("Write your question for the advisor.")},
    )


class VisitForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Record the visit")

    class Meta:
        model = SiteVisit
        fields = ["on", "observations", "follow_ups"]
        widgets = {
            "on": DateInput(),
            "observations": forms.Textarea(attrs={"rows": 6}),
            "follow_ups": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"follow_ups": _("What you, the student or the mentor will do next.")}


# "Not observed" is a choice of its own, stored as no level at all (the line is left out of
# the evaluation's ratings) so that averages and counts of levels leave it out rather than
# read it as a low level.
NOT_OBSERVED = "not_observed"
LEVEL_CHOICES = [
    *((level, f"{level}: {label}") for level, label in RUBRIC_LEVELS.items()),
    (NOT_OBSERVED, _("Not observed")),
]
GOAL_NAMES = {code: names[0] for code, names in FIVE_GOALS.items()}


def _level(value: str) -> int | None:
    return None if value == NOT_OBSERVED else int(value)


class EvaluationForm(SubmitHelperMixin, forms.Form):
    """A level 1-4, or "not observed", for each of the Five Learning Goals and each workplace
    quality."""

    submit_label = _("Save the evaluation")

    strengths = forms.CharField(
        label=_("Strengths"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    next_steps = forms.CharField(
        label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    # The version of the evaluation the page was opened on: a save over a newer one is refused.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = any(self.initial.get(key) is not None for key in RUBRIC_KEYS)
        for key, label in {**GOAL_NAMES, **WORKPLACE_QUALITIES}.items():
            self.fields[key] = forms.TypedChoiceField(
                label=label,
                choices=LEVEL_CHOICES,
                coerce=_level,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a level from 1 to 4, or Not observed.")},
            )
            # A saved evaluation (which gives at least one level) leaves out the lines the
            # mentor did not observe: open those as "not observed", not as unanswered.
            if saved and self.initial.get(key) is None:
                self.initial[key] = NOT_OBSERVED
        self.helper.layout = Layout(
            Fieldset(_("The Five Learning Goals"), *GOAL_NAMES),
            Fieldset(_("Qualities at work"), *WORKPLACE_QUALITIES),
            "strengths",
            "next_steps",
            "seen",
        )

    def ratings(self) -> dict[str, int | None]:
        return {key: self.cleaned_data[key] for key in RUBRIC_KEYS}

    def text(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("strengths", "next_steps")}
