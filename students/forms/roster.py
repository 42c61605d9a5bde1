"""The roster upload: a OneRoster 1.1 zip or the plain CSV of students and their families."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bigpicture.forms import SubmitHelperMixin
from students import roster
from students.services.roster_jobs import ONEROSTER, PLAIN

MB = 2**20
TOO_LARGE = _("This file is %(size)s MB; the largest roster file accepted is %(limit)s MB.")


def limit_mb() -> int:
    return roster.MAX_UPLOAD_BYTES // MB


def too_large(size: int) -> str:
    """What an admin is told when a file passes the limit (its size rounded up)."""
    return TOO_LARGE % {"size": -(-size // MB), "limit": limit_mb()}


class RosterUploadForm(SubmitHelperMixin, forms.Form):
    submit_label = _("Check the file")

    file_format = forms.ChoiceField(
        label=_("Kind of file"),
        choices=[
            ("", _("Tell from the file (a zip is OneRoster)")),
            (ONEROSTER, _("OneRoster 1.1 CSV (a zip)")),
            (PLAIN, _("Plain CSV of students and their families")),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial="",
    )
    file = forms.FileField(label=_("Roster file"))

    def __init__(self, *args, upload_refusal: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_refusal = upload_refusal
        self.fields["file"].widget.attrs["accept"] = ".zip,.csv,text/csv,application/zip"
        self.fields["file"].help_text = _(
            "A OneRoster 1.1 CSV zip or the plain CSV, up to %(limit)s MB. Nothing is written "
            "before you have read the report and chosen to import."
        ) % {"limit": limit_mb()}

    def clean(self):
        cleaned = super().clean()
        if self.upload_refusal:
            # the upload was stopped at the limit: nothing of the file was kept
            self.errors.pop("file", None)
            self.add_error("file", self.upload_refusal)
        return cleaned

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large(upload.size))
        return upload
