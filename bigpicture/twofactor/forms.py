"""Input shapes for the second factor: a code, to confirm an authenticator or to sign in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import SubmitHelperMixin


class CodeForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Confirm")

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )


class EnrolForm(CodeForm):
    submit_label = _("Turn on the second factor")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Six-digit code from the app")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class VerifyForm(CodeForm):
    submit_label = _("Verify")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your authenticator app, or a recovery code")
