"""Input shapes for learning plans: about me, goals and projects, progress, evidence, review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import DateInput, SubmitHelperMixin
from bigpicture.models import Term
from students.models import Evidence, LearningGoal, LearningPlan, PlanItem, ProgressUpdate
from students.services import evidence as evidence_services


class GoalChoiceField(forms.ModelMultipleChoiceField):
    """The Five Learning Goals as checkboxes, each with its guiding question."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, goal):
        return f"{goal.label}: {goal.guiding_question}"


class PlanStartForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Start the plan")

    term = forms.ModelChoiceField(
        label=_("Term"),
        queryset=Term.objects.none(),
        error_messages={
            "invalid_choice": _(
                "This term is no longer open for a new plan: it has ended or was removed. "
                "Choose one of the terms offered now."
            )
        },
    )
    carry_over = forms.BooleanField(
        label=_("Carry over my goals and projects that are not met yet"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["term"].empty_label = None


class PlanAboutForm(SubmitHelperMixin, forms.ModelForm):
    class Meta:
        model = LearningPlan
        fields = ["interests", "life_goals", "learning_style", "needs"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        help_texts = {
            "interests": _("What do you want to learn about this term?"),
            "life_goals": _("Where do you want your learning to take you?"),
            "learning_style": _("Hands-on, by talking it through, by reading, by watching..."),
            "needs": _("What helps you do your best work? What support do you need?"),
        }


class PlanItemForm(SubmitHelperMixin, forms.ModelForm):
    learning_goals = GoalChoiceField(
        label=_("Learning goals"), queryset=LearningGoal.objects.all(), required=False
    )

    class Meta:
        model = PlanItem
        fields = [
            "kind",
            "title",
            "learning_goals",
            "is_personal",
            "what",
            "how",
            "resources",
            "due_on",
            "evidence_planned",
        ]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "how": forms.Textarea(attrs={"rows": 2}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "evidence_planned": forms.Textarea(attrs={"rows": 2}),
            "due_on": DateInput(),
        }
        help_texts = {
            "is_personal": _("A goal of your own that is not tied to a learning goal."),
            "resources": _("People, places, books, tools."),
            "evidence_planned": _("What you will show at your exhibition."),
        }


class ProgressForm(SubmitHelperMixin, forms.ModelForm):
    submit_label = _("Record progress")

    class Meta:
        model = ProgressUpdate
        fields = ["progress", "on", "note"]
        widgets = {"on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class EvidenceForm(SubmitHelperMixin, forms.ModelForm):
    """A file or a link; a file up to the school's limit, its upload shown with a progress bar
    (static/js/upload-progress.js) when the browser runs scripts."""

    submit_label = _("Add evidence")

    url = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["title", "file", "url"]
        help_texts = {"url": _("Or a link to the work online.")}

    def __init__(self, *args, limit_mb: int, upload_refusal: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_refusal = upload_refusal
        self.helper.attrs = {"data-upload-progress": ""}
        file = self.fields["file"]
        too_large = evidence_services.TOO_LARGE % {"size": "{size}", "limit": limit_mb}
        file.help_text = _(
            "A PDF, an image, a document (Word, PowerPoint, Excel, OpenDocument), a video (MP4, "
            "MOV, WebM) or a recording (M4A), up to %(limit)s MB."
        ) % {"limit": limit_mb}
        file.widget.attrs.update(
            {
                "accept": ",".join(f".{ending}" for ending in evidence_services.ACCEPTED_ENDINGS),
                # for the script to refuse a file too large before sending it
                "data-limit-bytes": evidence_services.limit_bytes(limit_mb),
                "data-limit-mb": limit_mb,
                "data-too-large": too_large,
            }
        )

    def clean(self):
        cleaned = super().clean()
        if self.upload_refusal:
            # the upload was stopped at the school's limit: nothing of the file arrived
            self.add_error("file", self.upload_refusal)
        return cleaned


class ReviewForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Send the review")

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the plan")), ("changes", _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the student"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Needed when you ask for changes, unless you comment on a goal."),
    )

    def __init__(self, *args, items=(), **kwargs):
        """``items``: the plan's goals and projects as (pk, title), one comment box each."""
        super().__init__(*args, **kwargs)
        for pk, title in items:
            self.fields[f"item_{pk}"] = forms.CharField(
                label=_("Comment on “%(title)s”") % {"title": title},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def item_comments(self) -> dict[int, str]:
        """The comments written on single goals or projects, by the item's pk."""
        return {
            int(name.removeprefix("item_")): text
            for name, text in self.cleaned_data.items()
            if name.startswith("item_") and text.strip()
        }


class CommentForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Add the comment")

    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
