"""Input shapes for the mentors' portal: asking for a sign-in link, writing a message."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import SubmitHelperMixin


class SignInLinkForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Email me a sign-in link")

    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("The address your school has for you as a mentor."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class MessageForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Send")

    body = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
