"""Input shapes for learning plan meetings: scheduling, notes and decisions, answers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateTimeLocalInput, SubmitHelperMixin
from bigpicture.models import User
from students.models import MeetingInvite, PlanMeeting
from students.selectors.meetings import guardians_of, mentors_of


class PersonChoice:
    """Choices of people shown by their full name."""

    def label_from_instance(self, person) -> str:
        return person.get_full_name() or person.email


class GuardianChoiceField(PersonChoice, forms.ModelMultipleChoiceField):
    pass


class MentorChoiceField(PersonChoice, forms.ModelChoiceField):
    pass


class MeetingForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Schedule the meeting")

    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeLocalInput(),
        help_text=_("In the school's time zone."),
    )
    duration = forms.IntegerField(
        label=_("Length in minutes"), min_value=5, max_value=480, initial=45
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(
        label=_("Video link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Give a place, a video link or both."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    guardians = GuardianChoiceField(
        label=_("Guardians invited"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mentor = MentorChoiceField(
        label=_("Mentor invited"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No mentor"),
    )

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardians"].queryset = guardians_of(student)
        self.fields["mentor"].queryset = mentors_of(student)
        self.fields["starts_at"].help_text = _("In the school's time zone (%(zone)s).") % {
            "zone": student.school.time_zone
        }


class MeetingUpdateForm(MeetingForm):
    submit_label = _("Save the changes")


class MeetingRecordForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Save the record")

    class Meta:
        model = PlanMeeting
        fields = ["notes", "decisions"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "notes": _("What the learning team talked about."),
            "decisions": _("What was decided, and who does what by when."),
        }

    def _post_clean(self):
        # Validated by the service, which also marks the meeting held.
        pass


class MeetingResponseForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (MeetingInvite.Response.ACCEPTED, _("Accept")),
            (MeetingInvite.Response.DECLINED, _("Decline")),
        ]
    )
