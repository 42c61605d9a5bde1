"""Copy the private files kept on this machine's disk into the bucket FILES_BUCKET names.

Run it once FILES_BUCKET (and its endpoint and credentials) is set, before or after the web
servers switch to the bucket: files are stored under the same names, so every row keeps
pointing at its file. It can be stopped and run again: a file already in the bucket with the
same content is skipped. Each copy is checked against the file on disk (the object's ETag is
its MD5 when the store computes it so; otherwise the object is read back and its SHA-256
compared); a copy that does not match is reported and the command ends with an error. The
files on disk are never deleted: remove them yourself once the app runs on the bucket.
"""

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from bigpicture.storage import StoreUnavailable, faults, in_bucket, object_key

CHUNK = 1024 * 1024
# Without a terminal, a line of counts this often (in files), and at the end.
PLAIN_EVERY = 1000

ABSENT, SAME, DIFFERENT = "absent", "same", "different"


@dataclass(frozen=True)
class LocalFile:
    path: Path
    name: str  # the stored name, as the rows hold it: "evidence/12/3f9c..."
    size: int
    md5: str
    sha256: str


def digests(path: Path) -> tuple[str, str]:
    """MD5 and SHA-256 (hex) of a file, read in chunks."""
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            md5.update(chunk)
            sha256.update(chunk)
    return md5.hexdigest(), sha256.hexdigest()


def local_files(root: Path):
    """Every file under ``root`` (no link followed), in name order, with its stored name."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.relative_to(root).as_posix()


class Bucket:
    """The bucket of the private storage, spoken to with the storage's own client."""

    def __init__(self, storage):
        self.storage = storage
        self.client = storage.connection.meta.client
        self.name = storage.bucket_name

    def key(self, name: str) -> str:
        return object_key(self.storage, name)

    def state(self, local: LocalFile) -> str:
        """Whether the bucket has no object for this file, the same content, or another."""
        try:
            head = self.client.head_object(Bucket=self.name, Key=self.key(local.name))
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return ABSENT
            raise
        if head["ContentLength"] != local.size:
            return DIFFERENT
        if head.get("ETag", "").strip('"') == local.md5:
            return SAME  # a single-part object's ETag is the MD5 of its bytes
        # A multipart object's ETag (or an encrypted one's) is not its MD5: read it back.
        return SAME if self.sha256(local.name) == local.sha256 else DIFFERENT

    def sha256(self, name: str) -> str:
        body = self.client.get_object(Bucket=self.name, Key=self.key(name))["Body"]
        digest = hashlib.sha256()
        for chunk in iter(lambda: body.read(CHUNK), b""):
            digest.update(chunk)
        return digest.hexdigest()

    def upload(self, local: LocalFile) -> None:
        params = {
            "ContentType": mimetypes.guess_type(local.name)[0] or "application/octet-stream",
            **self.storage.get_object_parameters(local.name),
            "Metadata": {"sha256": local.sha256},
        }
        self.client.upload_file(
            str(local.path),
            self.name,
            self.key(local.name),
            ExtraArgs=params,
            Config=self.storage.transfer_config,
        )


class Progress:
    """A bar redrawn on one line on a terminal; a line of counts now and then otherwise."""

    def __init__(self, out, *, total_files: int, total_bytes: int, terminal: bool):
        self.out, self.terminal = out, terminal
        self.total_files, self.total_bytes = total_files, max(total_bytes, 1)
        self.files = self.bytes = 0

    def step(self, size: int) -> None:
        self.files += 1
        self.bytes += size
        if self.terminal:
            share = self.bytes / self.total_bytes
            bar = "#" * int(share * 30)
            self.out.write(
                f"\r[{bar:<30}] {self.files}/{self.total_files} files, "
                f"{self.bytes / 2**20:.1f}/{self.total_bytes / 2**20:.1f} MB",
                ending="",
            )
            self.out.flush()
        elif self.files % PLAIN_EVERY == 0:
            self.out.write(f"{self.files}/{self.total_files} files")

    def finish(self) -> None:
        if self.terminal and self.total_files:
            self.out.write("")


class Command(BaseCommand):
    help = (
        "Copy the private files on disk (MEDIA_ROOT/private) to the bucket FILES_BUCKET names, "
        "checking each copy; resumable; the files on disk are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", help="The folder of the files (default: MEDIA_ROOT/private)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be copied; copy nothing."
        )

    def handle(self, *args, source=None, dry_run=False, **options):
        storage = storages["private"]
        if not in_bucket(storage):
            raise CommandError("FILES_BUCKET is not set: there is no bucket to copy the files to.")
        root = Path(source) if source else Path(settings.MEDIA_ROOT) / "private"
        if not root.is_dir():
            raise CommandError(f"{root} is not a folder.")
        found = [(path, name, path.stat().st_size) for path, name in local_files(root)]
        progress = Progress(
            self.stdout,
            total_files=len(found),
            total_bytes=sum(size for _path, _name, size in found),
            terminal=self.stdout.isatty(),
        )
        bucket = Bucket(storage)
        counts = {"copied": 0, "already there": 0, "to copy": 0, "mismatched": 0}
        try:
            for path, name, size in found:
                outcome = self.move(bucket, LocalFile(path, name, size, *digests(path)), dry_run)
                counts[outcome] += 1
                progress.step(size)
        except StoreUnavailable as down:
            progress.finish()
            raise CommandError(
                "The bucket could not be reached; run the command again to go on."
            ) from down
        progress.finish()
        self.stdout.write(", ".join(f"{count} {what}" for what, count in counts.items() if count))
        if counts["mismatched"]:
            raise CommandError(
                f"{counts['mismatched']} copies do not match the files on disk (listed above); "
                "the files on disk are kept. Run the command again to copy them again."
            )

    def move(self, bucket: Bucket, local: LocalFile, dry_run: bool) -> str:
        """Copy one file unless the bucket has it already, and check the copy."""
        with faults("copying a file to the bucket"):
            if bucket.state(local) == SAME:
                return "already there"
            if dry_run:
                return "to copy"
            bucket.upload(local)
            if bucket.state(local) == SAME:
                return "copied"
        self.stderr.write(f"\nChecksum mismatch: {local.name} (kept on disk at {local.path})")
        return "mismatched"
