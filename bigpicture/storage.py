"""Where private files live (evidence, roster uploads, portfolio zips): ``STORAGES["private"]``,
this machine's disk or an S3-compatible bucket (see the settings), behind one lazy handle.

Why a lazy handle: a FileField calls its storage callable once, when the model is imported,
and keeps what it returned. ``private_storage`` is what the fields keep; it looks up
``storages["private"]`` when first used and again after the setting changes, so a test (or
the move to a bucket) reaches every field.

A store that cannot be reached (a bucket down, a network cut, a full or missing disk) is one
exception, :class:`StoreUnavailable`, raised by :func:`faults` and logged there: pages turn it
into a form error or a 503, jobs into a failure that says so. A missing object stays a
``FileNotFoundError`` (a 404).

The orphan sweep lives here too: an object whose database row never committed (an upload
rolled back after its file was stored) is removed once it is a day old.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext, gettext_noop
from storages.backends.s3 import S3Storage
from storages.utils import clean_name, safe_join

logger = logging.getLogger(__name__)

# Orphans younger than this are left alone: their upload may still be on its way to commit.
ORPHAN_AGE = timedelta(days=1)
# The folders the app's files are stored in (the upload paths of Evidence.file and Job.file,
# checked by a test): the orphan sweep looks nowhere else.
APP_FOLDERS = ("evidence", "jobs")
# Names listed from the store are checked and deleted this many at a time.
SWEEP_CHUNK = 1000


# What a person is told when the store is down: kept untranslated where it is stored (a job's
# error, translated for each reader), translated where it is shown at once (a form's error).
STORE_DOWN = gettext_noop(
    "The file store cannot be reached just now. Nothing was saved: try again later."
)


class StoreUnavailable(Exception):
    """The file store could not be reached or did not answer: try again later."""

    def __str__(self) -> str:
        return STORE_DOWN


class PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and after STORAGES changes."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


def in_bucket(storage) -> bool:
    """Whether a storage (or the lazy private one) keeps its files in an S3 bucket."""
    return isinstance(storage, S3Storage)


def object_key(storage: S3Storage, name: str) -> str:
    """The bucket key of a stored name (under the storage's prefix), as django-storages
    computes it."""
    return safe_join(storage.location, clean_name(name))


def _is_missing(error: ClientError) -> bool:
    """A missing object; a missing bucket is a store not set up, not a missing file."""
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code != "NoSuchBucket" and (status == 404 or code in {"NoSuchKey", "NotFound"})


@contextmanager
def faults(action: str):
    """Turn the ways a store fails into :class:`StoreUnavailable` (logged with what was being
    done); a missing object stays ``FileNotFoundError``."""
    try:
        yield
    except FileNotFoundError:
        raise
    except ClientError as error:
        if _is_missing(error):
            raise FileNotFoundError(str(error)) from error
        logger.warning("File store refused %s: %s", action, error)
        raise StoreUnavailable from error
    except (BotoCoreError, OSError) as error:
        logger.warning("File store unavailable while %s: %s", action, error)
        raise StoreUnavailable from error


@contextmanager
def refused_when_down(field: str = "file"):
    """Around storing an upload in a service's transaction: a store that is down becomes an
    error on the form's ``field``, and the transaction rolls back, so no row points to a file
    that was never stored."""
    try:
        with faults("storing an upload"):
            yield
    except StoreUnavailable as down:
        raise ValidationError({field: gettext(STORE_DOWN)}) from down


def private_file_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) whose files live in the private store, in every app: the
    core knows them without importing the apps."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and field.storage is private_storage
    ]


def referenced_names() -> set[str]:
    """Every name a database row points to in the private store: one query per model, read
    in chunks."""
    names: set[str] = set()
    for model, field in private_file_fields():
        rows = model._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
        names.update(rows.iterator(chunk_size=5000))
    return names


def _bucket_listing(storage: S3Storage, folder: str) -> Iterator[tuple[str, datetime]]:
    prefix = object_key(storage, "")  # "" or the deployment's folder with its slash: "met/"
    pages = storage.connection.meta.client.get_paginator("list_objects_v2")
    for page in pages.paginate(Bucket=storage.bucket_name, Prefix=f"{prefix}{folder}/"):
        for entry in page.get("Contents", ()):
            yield entry["Key"][len(prefix) :], entry["LastModified"]


def _disk_listing(storage, directory: str = "") -> Iterator[tuple[str, datetime]]:
    if not storage.exists(directory):
        return
    folders, files = storage.listdir(directory)
    for name in files:
        path = f"{directory}/{name}" if directory else name
        try:
            modified = storage.get_modified_time(path)
        except FileNotFoundError:
            continue  # removed meanwhile (by its row's deletion, or a sweep running beside)
        yield path, modified
    for folder in folders:
        yield from _disk_listing(storage, f"{directory}/{folder}" if directory else folder)


def listing(storage) -> Iterator[tuple[str, datetime]]:
    """(name, last modified) of every file the app stored, in its own folders only (a bucket
    may hold other things beside them): the bucket listed page by page (no request per
    object), or the folders on disk walked."""
    if not in_bucket(storage) and storage.exists(""):
        storage.listdir("")  # the store's own folder answers: an error here is a store down
    for folder in APP_FOLDERS:
        if in_bucket(storage):
            yield from _bucket_listing(storage, folder)
        else:
            yield from _disk_listing(storage, folder)


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _delete(storage, names: list[str]) -> None:
    """Delete stored files: a bucket's in one request per thousand, files on disk one by one."""
    if not in_bucket(storage):
        for name in names:
            storage.delete(name)
        return
    for chunk in _chunks(iter(names), SWEEP_CHUNK):
        keys = [{"Key": object_key(storage, name)} for name in chunk]
        storage.connection.meta.client.delete_objects(
            Bucket=storage.bucket_name, Delete={"Objects": keys, "Quiet": True}
        )


def sweep_orphans(*, now: datetime | None = None, age: timedelta = ORPHAN_AGE) -> int:
    """Delete the stored files no row points to, older than ``age``; return how many."""
    cutoff = (now or timezone.now()) - age
    storage = storages["private"]
    # The names rows point to are read before the store is listed: a file older than the
    # cutoff that no row pointed to then was stored a day ago by a save that never committed.
    kept = referenced_names()
    removed = 0
    with faults("sweeping orphans"):
        for chunk in _chunks(listing(storage), SWEEP_CHUNK):
            orphans = [name for name, modified in chunk if modified < cutoff and name not in kept]
            _delete(storage, orphans)
            removed += len(orphans)
    if removed:
        logger.info("Removed %s orphan files from the private store", removed)
    return removed
