"""Input shape for tagging work with the expectations it serves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from expectations.models import Wording


class TagForm(forms.Form):
    """The expectations a piece of work serves, as checkboxes shown as chips."""

    expectations = forms.TypedMultipleChoiceField(
        label=_("The expectations this work serves"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}),
        error_messages={"invalid_choice": _("Choose among the expectations your school uses.")},
    )

    def __init__(self, *args, words: list[Wording], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expectations"].choices = [(wording.pk, wording.name) for wording in words]
