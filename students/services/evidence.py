"""Portfolio evidence on a plan's goals and projects: uploads checked by their content
before anything is stored, links, and removing either."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bigpicture.models import User
from bigpicture.records import Area, records_change, through
from students.models import Evidence, PlanItem, PlanRevision
from students.services.plans import require_team, revise

Action = PlanRevision.Action

# Evidence files: what a school accepts, by the type read from the file's own bytes, and the
# file-name endings each type may carry (a PDF renamed .png is refused).
EVIDENCE_TYPES = {
    "application/pdf": {"pdf"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.presentation": {"odp"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
}


def check_upload(upload) -> tuple[str, str]:
    """Check a file's size and its type, read from its bytes; return (type, clean name)."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is too large: the limit is %(mb)s MB.") % {"mb": limit // 2**20}}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError(
            {"file": _("This kind of file is not accepted. Upload a PDF, an image or a document.")}
        )
    if extension not in EVIDENCE_TYPES[kind.mime]:
        raise ValidationError(
            {
                "file": _("The file's name does not match its content (it is a %(kind)s file).")
                % {"kind": kind.extension.upper()}
            }
        )
    name = "".join(ch for ch in upload.name if ch.isalnum() or ch in "._- ")[-150:] or "file"
    return kind.mime, name


@records_change(Area.EVIDENCE, student=through("item", "plan", "student"))
@transaction.atomic
def evidence_add(*, item: PlanItem, by: User, title: str, file=None, url: str = "") -> Evidence:
    """Attach a file or a link to a goal or project as evidence of the work."""
    plan = item.plan
    require_team(plan, by)
    if bool(file) == bool(url):
        raise ValidationError({"file": _("Attach a file or give a link, not both.")})
    evidence = Evidence(item=item, title=title.strip(), url=url.strip(), added_by=by)
    if file:
        evidence.content_type, evidence.filename = check_upload(file)
        evidence.size = file.size
        evidence.file = file
    evidence.full_clean(exclude=["file"])
    evidence.save()
    revise(plan, by, Action.EVIDENCE, evidence.title)
    return evidence


@records_change(Area.EVIDENCE, student=through("evidence", "item", "plan", "student"))
@transaction.atomic
def evidence_remove(*, evidence: Evidence, by: User) -> None:
    """Remove a piece of evidence, and its file once the change is committed."""
    plan = evidence.item.plan
    require_team(plan, by)
    title, stored = evidence.title, evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored), robust=True)
    revise(plan, by, Action.EVIDENCE, title)
