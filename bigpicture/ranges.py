"""Serving a stored file in byte ranges (RFC 9110, section 14), so a browser can play a
video or a recording from the app: it asks for ``Range: bytes=0-`` and then for the parts it
seeks to. One range per request; anything else is answered with the whole file."""

import re
from dataclasses import dataclass

from django.http import FileResponse, HttpResponse

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


def ranged_file_response(
    request, handle, *, size: int, content_type: str, filename: str, as_attachment: bool
) -> HttpResponse:
    """Answer a GET for an open file: 206 with the range asked for, 416 when it is out of
    the file, else 200 with the whole file; streamed either way. The response closes the
    file (a 416 closes it at once)."""
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
        RangeReader(handle, byte_range),
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
