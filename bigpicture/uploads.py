"""Uploads streamed to disk and cut off at a size limit.

Django keeps an uploaded file in memory only up to FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) and
writes anything larger to a temporary file, a chunk at a time. ``SizeLimitHandler`` sits in
front of those handlers and stops the upload as soon as a file passes the limit: a request
whose Content-Length is already over it gets no byte written, and a file that grows past it
is cut off there (its temporary file is deleted). The rest of the body is read and thrown
away so the browser still gets a page, with the refusal next to the field.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# What a multipart body carries besides the file: boundaries, headers and the other fields.
ENVELOPE_BYTES = 64 * 1024


class SizeLimitHandler(FileUploadHandler):
    """Refuse any file larger than ``limit`` bytes, before or while it arrives; after the
    upload, ``refused_size`` is the size that was refused (the request's length), or None."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.request_length = 0
        self.refused_size: int | None = None
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_length = content_length
        return None  # the parsing is left to Django

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request_length > self.limit + ENVELOPE_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file

    def _refuse(self):
        self.refused_size = max(self.request_length, self.received)
        raise StopUpload(connection_reset=False)


def limit_uploads(request, limit: int) -> SizeLimitHandler:
    """Put a size limit in front of the request's upload handlers; call it before anything
    reads ``request.POST`` or ``request.FILES`` (so the view must be csrf_exempt and check
    the token itself afterwards)."""
    handler = SizeLimitHandler(request, limit=limit)
    request.upload_handlers.insert(0, handler)
    return handler
