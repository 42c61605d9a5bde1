"""Serving a stored file in byte ranges (RFC 9110, section 14), so a browser can play a
video or a recording from the app: it asks for ``Range: bytes=0-`` and then for the parts it
seeks to. One range per request; anything else is answered with the whole file.

Files are streamed through the app whichever store keeps them (the Content-Security-Policy
allows media only from this server, so a redirect to a bucket would not play): from disk,
read from the range's first byte; from a bucket, one GetObject with a ``Range`` header, its
body read a block at a time, so a seek in a long video never downloads the whole object."""

import re
from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from bigpicture.storage import StoreUnavailable, faults, in_bucket

BLOCK_SIZE = 64 * 1024
_SPEC = re.compile(r"^bytes=(\d*)-(\d*)$")


class Unsatisfiable(Exception):
    """The range asked for starts past the end of the file: 416."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # the last byte, included

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range a ``Range`` header asks for in a file of ``size`` bytes; None to
    send the whole file (no header, another unit, several ranges or a malformed one, which a
    server may ignore); ``Unsatisfiable`` when no byte of the file is in the range."""
    if not header:
        return None
    match = _SPEC.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None  # "bytes=-" says nothing
        suffix = int(last)  # the last n bytes
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # malformed: ignored
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(end, size - 1))


class RangeReader:
    """The bytes of one range of an open file, read a block at a time and never all at once.

    It has no ``fileno()`` on purpose: a WSGI server's sendfile would send the file to its
    end, not to the end of the range."""

    def __init__(self, handle, byte_range: ByteRange):
        self.handle = handle
        self.remaining = byte_range.length
        handle.seek(byte_range.start)

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data = self.handle.read(wanted)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


class ObjectRangeReader:
    """The bytes of one range of an object in a bucket: asked for with one GetObject and a
    ``Range`` header when made (so a store that fails answers before the response starts),
    then read from its body a block at a time."""

    def __init__(self, handle, byte_range: ByteRange):
        self.handle = handle  # django-storages' S3File: its ``obj`` is the loaded object
        self.body = None
        if byte_range.length > 0:
            asked = f"bytes={byte_range.start}-{byte_range.end}"
            with faults("reading a range"):
                self.body = handle.obj.get(Range=asked)["Body"]

    def read(self, size: int = -1) -> bytes:
        if self.body is None:
            return b""
        with faults("reading a range"):
            return self.body.read(None if size is None or size < 0 else size)

    def close(self) -> None:
        if self.body is not None:
            self.body.close()
        self.handle.close()


def stored_file_response(
    request, storage, name: str, *, content_type: str, filename: str, as_attachment: bool
) -> HttpResponse:
    """Answer a GET for a stored file (after the access check) with the range asked for, from
    disk or a bucket: a missing file is a 404, a store that cannot be reached a 503."""
    try:
        with faults("opening a file"):
            handle = storage.open(name, "rb")
            size = handle.size
    except FileNotFoundError as missing:
        raise Http404 from missing
    except StoreUnavailable:
        return store_unavailable(request)
    try:
        return ranged_file_response(
            request,
            handle,
            size=size,
            content_type=content_type,
            filename=filename,
            as_attachment=as_attachment,
            reader=ObjectRangeReader if in_bucket(storage) else RangeReader,
        )
    except StoreUnavailable:
        handle.close()
        return store_unavailable(request)


# How long a browser is told to wait before asking again for a file the store could not give.
RETRY_AFTER_SECONDS = 30


def store_unavailable(request) -> HttpResponse:
    """503: the file store is down (the log says why); the person is told to try later."""
    response = render(request, "bigpicture/store_unavailable.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "private, no-store"
    return response


def ranged_file_response(
    request,
    handle,
    *,
    size: int,
    content_type: str,
    filename: str,
    as_attachment: bool,
    reader=RangeReader,
) -> HttpResponse:
    """Answer a GET for an open file: 206 with the range asked for, 416 when it is out of
    the file, else 200 with the whole file; streamed either way, through ``reader`` (a
    :class:`RangeReader` on disk, an :class:`ObjectRangeReader` in a bucket). The response
    closes the file (a 416 closes it at once)."""
    # An If-Range names a version of the file; these responses carry no validator to match
    # it with, so its range is never sent: the whole file is.
    header = None if "HTTP_IF_RANGE" in request.META else request.META.get("HTTP_RANGE")
    try:
        byte_range = parse_range(header, size)
    except Unsatisfiable:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    whole = byte_range is None
    byte_range = byte_range or ByteRange(0, size - 1)
    response = FileResponse(
        reader(handle, byte_range),
        status=200 if whole else 206,
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
    )
    response.block_size = BLOCK_SIZE
    response["Content-Length"] = str(max(byte_range.length, 0))
    response["Accept-Ranges"] = "bytes"
    if not whole:
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    return response
