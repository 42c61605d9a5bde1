"""Input shapes for a school's wording of the expectations and the reflections' due date."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateInput, SubmitHelperMixin
from expectations.models import SchoolExpectation
from expectations.services.catalog import WORDINGS

LONG = {"description", "description_es"}


class ExpectationForm(SubmitHelperMixin, forms.ModelForm):
    """A school's wording of one expectation: each field left empty keeps Big Picture's
    words, shown as the placeholder and under the field."""

    class Meta:
        model = SchoolExpectation
        fields = ["is_active", *WORDINGS]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in LONG}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        expectation = self.instance.expectation
        for name in WORDINGS:
            words = getattr(expectation, name)
            self.fields[name].widget.attrs["placeholder"] = words
            self.fields[name].help_text = _("Empty: Big Picture's words, “%(words)s”") % {
                "words": words
            }


class TermDueForm(SubmitHelperMixin, forms.Form):
    """The last day a term's reflections may be written."""

    due_on = forms.DateField(label=_("Reflections due on"), widget=DateInput())
