"""Input shapes for advisories and for moving a student between them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from advisories.models import Advisory
from bigpicture.forms import DateInput, SubmitHelperMixin, require_at_least_one
from bigpicture.models import User


class AdvisoryForm(SubmitHelperMixin, forms.ModelForm):
    class Meta:
        model = Advisory
        fields = ["name", "advisor", "graduating_class", "capacity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = User.objects.filter(
            school_id=self.instance.school_id, is_advisor=True, is_active=True
        )
        self.fields["capacity"].widget.attrs["placeholder"] = self.instance.school.advisory_capacity
        require_at_least_one(self.fields["capacity"])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Advisory.objects.filter(school_id=self.instance.school_id, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The school already has an advisory with this name."))
        return name


class PlacementForm(forms.Form):
    """The fields that place a student in an advisory, the same for enrolment and moves: the
    advisory, the capacity override with its reason, and the confirmation that a student of
    another graduating class belongs there."""

    advisory = forms.ModelChoiceField(label=_("Advisory"), queryset=Advisory.objects.none())
    override_capacity = forms.BooleanField(
        label=_("Place over capacity"),
        required=False,
        help_text=_("Only if the advisory is full and the placement is needed anyway."),
    )
    reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=300)
    place_anyway = forms.BooleanField(
        label=_("Place anyway"),
        required=False,
        help_text=_(
            "Only if the advisory is for another graduating class and the student belongs "
            "there all the same."
        ),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisory"].queryset = (
            Advisory.objects.filter(school=school).with_size().select_related("advisor", "school")
        )
        self.fields["advisory"].label_from_instance = self.advisory_label

    @staticmethod
    def advisory_label(advisory: Advisory) -> str:
        return _("%(name)s (%(advisor)s, class of %(class)s, %(size)s of %(capacity)s)") % {
            "name": advisory.name,
            "advisor": advisory.advisor,
            "class": advisory.graduating_class,
            "size": advisory.size,
            "capacity": advisory.effective_capacity,
        }


class MoveStudentForm(SubmitHelperMixin, PlacementForm):
    submit_label = _("Move student")
    field_order = ["advisory", "start_date", "override_capacity", "reason", "place_anyway"]

    advisory = forms.ModelChoiceField(label=_("New advisory"), queryset=Advisory.objects.none())
    start_date = forms.DateField(label=_("From"), widget=DateInput())
