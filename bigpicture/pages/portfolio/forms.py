"""What a batch of portfolios is asked with: the paper, the language, a year level."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import SubmitHelperMixin

PAPER_CHOICES = [("a4", _("A4")), ("letter", _("US Letter"))]
YEAR_LEVELS = [(level, str(level)) for level in (101, 201, 301, 401)]


class BatchForm(SubmitHelperMixin, forms.Form):
    """A batch of portfolios: on which paper, in which language."""

    submit_label = _("Make the portfolios")

    paper = forms.ChoiceField(label=_("Paper"), choices=PAPER_CHOICES)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class LevelBatchForm(BatchForm):
    """A year level's portfolios."""

    year_level = forms.TypedChoiceField(label=_("Year level"), choices=YEAR_LEVELS, coerce=int)

    field_order = ["year_level", "paper", "language"]
