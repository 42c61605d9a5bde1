"""Input shapes for the early warning: the school's thresholds and an advisor's check-in."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateInput, SubmitHelperMixin
from expectations.models import EngagementSettings, Expectation, Wording
from expectations.services.engagement import THRESHOLDS


class EngagementSettingsForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Save the thresholds")

    class Meta:
        model = EngagementSettings
        fields = list(THRESHOLDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser knows the model's limits too (the form and the service check them).
        for name in THRESHOLDS:
            field = self.fields[name]
            for validator in self.instance._meta.get_field(name).validators:
                limit = getattr(validator, "limit_value", None)
                if validator.code == "min_value":
                    field.widget.attrs["min"] = limit
                elif validator.code == "max_value":
                    field.widget.attrs["max"] = limit


class WordingChoiceField(forms.ModelMultipleChoiceField):
    """Expectations shown in the school's words."""

    def __init__(self, *args, names: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.names = names

    def label_from_instance(self, expectation) -> str:
        return self.names.get(expectation.pk, expectation.name)


class CheckInForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Record the check-in")

    on = forms.DateField(label=_("Day"), widget=DateInput())
    talked_about = forms.CharField(
        label=_("What we talked about"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What each of you will do next, and when you will talk again."),
    )

    def __init__(self, *args, wordings: list[Wording], earliest: date, latest: date, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's picker offers only the days the service accepts.
        self.fields["on"].widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())
        self.fields["expectations"] = WordingChoiceField(
            label=_("Expectations it touched"),
            queryset=Expectation.objects.filter(pk__in=[w.pk for w in wordings]),
            names={wording.pk: wording.name for wording in wordings},
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
