"""The term reflection's input: for each expectation asked, a 1-5 rating, a comment, and
for a student the choice to share the comment with the school without their name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from expectations.models import Rating
from expectations.selectors.reflections import SCALE, Question
from expectations.services.reflections import Answer


class ReflectionForm(forms.Form):
    """One group of fields per expectation asked: ``score_<pk>``, ``comment_<pk>`` and for a
    student ``shared_<pk>``; every answer optional (save and come back). ``seen`` carries the
    version of the reflection the form was opened on, so a save over a newer one is refused."""

    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, questions: list[Question], sharing: bool, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions, self.sharing, self.ratings = questions, sharing, ratings
        for question in questions:
            self._add_fields(question.wording.pk, ratings.get(question.wording.pk))

    def _add_fields(self, pk: int, rating: Rating | None) -> None:
        self.fields[f"score_{pk}"] = forms.TypedChoiceField(
            label=_("How well school met it"),
            choices=SCALE,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            error_messages={"invalid_choice": _("Choose a rating from 1 to 5.")},
            initial=rating.score if rating else None,
        )
        self.fields[f"comment_{pk}"] = forms.CharField(
            label=_("Comment (optional)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            initial=rating.comment if rating else "",
        )
        if self.sharing:
            self.fields[f"shared_{pk}"] = forms.BooleanField(
                label=_("Share this comment with the school without my name"),
                help_text=_("The school's admins read it without your name; your advisor knows."),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                initial=rating.shared if rating else False,
            )

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            pk = question.wording.pk
            has_comment = bool(cleaned.get(f"comment_{pk}", "").strip())
            if (
                has_comment
                and cleaned.get(f"score_{pk}") is None
                and not self.has_error(f"score_{pk}")
            ):
                self.add_error(
                    f"score_{pk}", _("Choose a rating for your comment, or remove the comment.")
                )
        return cleaned

    def groups(self):
        """Each question with its bound fields and its saved rating, in order, for the
        template."""
        for question in self.questions:
            pk = question.wording.pk
            yield {
                "question": question,
                "saved": self.ratings.get(pk),
                "score": self[f"score_{pk}"],
                "comment": self[f"comment_{pk}"],
                "shared": self[f"shared_{pk}"] if self.sharing else None,
            }

    def answers(self) -> dict[int, Answer]:
        """The cleaned answers, keyed by expectation, for the service."""
        data = self.cleaned_data
        return {
            q.wording.pk: Answer(
                score=data.get(f"score_{q.wording.pk}"),
                comment=data.get(f"comment_{q.wording.pk}", ""),
                shared=bool(data.get(f"shared_{q.wording.pk}")),
            )
            for q in self.questions
        }
