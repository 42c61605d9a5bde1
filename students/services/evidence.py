"""Portfolio evidence on a plan's goals and projects: uploads checked by their content
before anything is stored, links, and removing either."""

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bigpicture.models import User
from bigpicture.records import Area, records_change, through
from bigpicture.storage import refused_when_down
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
    # Exhibitions filmed or recorded: MP4 and QuickTime are one family of containers (a phone's
    # .mov is often an MP4 inside, and the other way round), and an .m4a is its audio.
    "video/mp4": {"mp4", "m4v", "mov", "m4a"},
    "video/quicktime": {"mov", "qt", "mp4"},
    "audio/mp4": {"m4a", "mp4"},
    "video/webm": {"webm"},
}
ACCEPTED_ENDINGS = sorted({ending for endings in EVIDENCE_TYPES.values() for ending in endings})

# The brands an MP4-family file names in its first box ("ftyp"): QuickTime's, audio's, and
# the MP4 video brands phones, cameras and editors write.
QUICKTIME_BRANDS = {b"qt  "}
AUDIO_BRANDS = {b"M4A ", b"M4B "}
MP4_BRANDS = {
    *(b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42"),
    *(b"avc1", b"dash", b"M4V ", b"M4VH", b"M4VP", b"mmp4", b"MSNV"),
}
# An old QuickTime movie may start with its movie or data atom and no "ftyp" at all.
QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide"}


def media_type(head: bytes) -> str | None:
    """The type of an MP4-family file (MP4, QuickTime, M4A) read from its first bytes: the
    brands of its ftyp box; None for anything else."""
    if len(head) < 12:
        return None
    if head[4:8] in QUICKTIME_ATOMS:
        return "video/quicktime"
    box_size = int.from_bytes(head[:4], "big")
    if head[4:8] != b"ftyp" or box_size < 16 or box_size % 4:
        return None
    major = head[8:12]
    brands = {major, *(head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4))}
    for kinds, mime in (
        (AUDIO_BRANDS, "audio/mp4"),
        (QUICKTIME_BRANDS, "video/quicktime"),
        (MP4_BRANDS, "video/mp4"),
    ):
        if major in kinds:
            return mime
    for kinds, mime in ((QUICKTIME_BRANDS, "video/quicktime"), (MP4_BRANDS, "video/mp4")):
        if brands & kinds:
            return mime
    return None


# The usual file-name ending of each MP4-family type, to name it in messages.
MEDIA_ENDINGS = {"video/mp4": "mp4", "video/quicktime": "mov", "audio/mp4": "m4a"}


def sniff(head: bytes) -> tuple[str | None, str]:
    """A file's type and its usual file-name ending, read from its first bytes."""
    mime = media_type(head)
    if mime is not None:
        return mime, MEDIA_ENDINGS[mime]
    kind = filetype.guess(head)
    if kind is None:
        return None, ""
    return kind.mime, kind.extension


def limit_bytes(limit_mb: int) -> int:
    return limit_mb * 2**20


TOO_LARGE = _("This file is %(size)s MB; the largest your school accepts is %(limit)s MB.")


def too_large(size: int, limit_mb: int) -> str:
    """What a person is told when a file passes the school's limit (sizes in whole MB, the
    file's rounded up so it never reads as equal to the limit)."""
    return TOO_LARGE % {"size": -(-size // 2**20), "limit": limit_mb}


def check_upload(upload, *, limit_mb: int) -> tuple[str, str]:
    """Check a file's size against the school's limit and its type, read from its bytes;
    return (type, clean name)."""
    if upload.size > limit_bytes(limit_mb):
        raise ValidationError({"file": too_large(upload.size, limit_mb)})
    head = upload.read(8192)
    upload.seek(0)
    mime, usual_ending = sniff(head)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if mime not in EVIDENCE_TYPES:
        raise ValidationError(
            {
                "file": _(
                    "This kind of file is not accepted. Upload a PDF, an image, a document, "
                    "a video (MP4, MOV, WebM) or a recording (M4A)."
                )
            }
        )
    if extension not in EVIDENCE_TYPES[mime]:
        raise ValidationError(
            {
                "file": _("The file's name does not match its content (it is a %(kind)s file).")
                % {"kind": usual_ending.upper()}
            }
        )
    if extension == "m4a":
        mime = "audio/mp4"  # an MP4 with nothing but sound, as phones' recorders name them
    name = "".join(ch for ch in upload.name if ch.isalnum() or ch in "._- ")[-150:] or "file"
    return mime, name


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
        limit_mb = plan.student.school.evidence_limit_mb
        evidence.content_type, evidence.filename = check_upload(file, limit_mb=limit_mb)
        evidence.size = file.size
    evidence.full_clean(exclude=["file"])
    if file:
        # Stored only once checked; a store that is down is the form's error. A file stored
        # before the transaction fails is an orphan the daily sweep removes.
        with refused_when_down("file"):
            evidence.file.save(file.name, file, save=False)
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
