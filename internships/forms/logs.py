"""Input shapes for the daily log: check-in, check-out, the mentor's review, hour targets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateInput, SubmitHelperMixin
from internships.models import DailyLog, HoursTarget

RATINGS = [(n, str(n)) for n in range(1, 6)]


def _hours_field(label, **kwargs) -> forms.DecimalField:
    """Hours with up to two decimals; the range is the service's to check and explain."""
    return forms.DecimalField(
        label=label,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "24"}),
        **kwargs,
    )


def _rating_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
        help_text=_("1: not at all, 5: very much."),
    )


class CheckInForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Check in")

    on = forms.DateField(label=_("Day"), widget=DateInput())
    goal = forms.CharField(label=_("My goal for the day"), widget=forms.Textarea(attrs={"rows": 3}))


class CheckOutForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Check out")

    did = forms.CharField(label=_("What I did"), widget=forms.Textarea(attrs={"rows": 4}))
    reflection = forms.CharField(
        label=_("Reflection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What did you learn? What surprised you? What will you do next time?"),
    )
    hours = _hours_field(_("Hours"), help_text=_("The hours you worked that day, up to 24."))
    learning = _rating_field(_("How much I learned"))
    engagement = _rating_field(_("How engaged I was"))
    support = _rating_field(_("How supported I felt"))


class ReviewForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Send my review")

    decision = forms.ChoiceField(
        label=_("Attendance and hours"),
        choices=[
            (DailyLog.Review.CONFIRMED, _("Confirm")),
            (DailyLog.Review.DISPUTED, _("Dispute")),
        ],
        widget=forms.RadioSelect,
    )
    confirmed_hours = _hours_field(
        _("Hours confirmed"),
        required=False,
        help_text=_("The hours the student claimed, unless you saw fewer."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when you dispute the day."),
    )


class HoursTargetsForm(SubmitHelperMixin, forms.Form):
    """The hours a school expects in a school year, one field per year level."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level, label in HoursTarget.Level.choices:
            self.fields[f"y{level}"] = forms.IntegerField(
                label=_("Year %(level)s") % {"level": label},
                required=False,
                widget=forms.NumberInput(attrs={"min": 0}),
                help_text=_("Hours in the school year; leave empty for no target."),
            )

    def targets(self) -> dict[int, int | None]:
        return {
            level: self.cleaned_data.get(f"y{level}") for level, _label in HoursTarget.Level.choices
        }
