"""Video and audio evidence: checked by the bytes it starts with, refused past the school's
limit while it arrives (never held in memory), and served through the access policy in the
byte ranges a browser's player asks for."""

import re
import tracemalloc

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, encode_multipart
from django.urls import resolve, reverse

from bigpicture.models import AccessRecord
from bigpicture.ranges import ByteRange, Unsatisfiable, parse_range
from bigpicture.uploads import ENVELOPE_BYTES, SizeLimitHandler
from students.models import Evidence
from students.services import evidence as evidence_services
from students.services import plans as services
from tests import factories

MB = 2**20
# The form's own body, sent as it is (the test client encodes only its own constant).
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO base media file's first box, as cameras, phones and recorders write it."""
    body = b"ftyp" + major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return (len(body) + 4).to_bytes(4, "big") + body


def media(head: bytes, size: int = 4096) -> bytes:
    """A file that starts like a real one: its header, then a box of data to ``size``."""
    rest = max(size - len(head), 8)
    return head + rest.to_bytes(4, "big") + b"mdat" + bytes(rest - 8)


MP4 = media(ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"))
MP4_PHONE = media(ftyp(b"mp42", b"mp41", b"mp42", b"isom"))
MOV = media(ftyp(b"qt  ", b"qt  "))
M4A = media(ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"))
# The EBML header of a WebM file: version 1, read version 1, ids up to 4 bytes, sizes up to 8,
# the document type "webm", version 4, read version 2; then the Segment starts.
EBML_WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff"
    b"\xff\xff"
)
WEBM = EBML_WEBM + bytes(4096)
MKV = EBML_WEBM.replace(b"\x42\x82\x84webm", b"\x42\x82\x88matroska") + bytes(4096)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 4096
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def item(world):
    plan = services.plan_start(student=world.student, term=world.term, by=world.student.user)
    return services.item_add(
        plan=plan, by=world.student.user, title="Film the exhibition", is_personal=True
    )


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(world, item, name: str, content: bytes) -> Evidence:
    return evidence_services.evidence_add(
        item=item, by=world.student.user, title=name, file=upload(name, content)
    )


def set_limit(school, mb: int) -> None:
    school.evidence_limit_mb = mb
    school.save(update_fields=["evidence_limit_mb"])


class TestContent:
    @pytest.mark.parametrize(
        ("name", "content", "kind"),
        [
            ("exhibition.mp4", MP4, "video/mp4"),
            ("exhibition.mp4", MP4_PHONE, "video/mp4"),
            ("exhibition.mov", MOV, "video/quicktime"),
            ("exhibition.MOV", MP4_PHONE, "video/mp4"),  # a phone's .mov with an MP4 inside
            ("interview.m4a", M4A, "audio/mp4"),
            ("interview.m4a", MP4_PHONE, "audio/mp4"),  # a recorder's sound-only MP4
            ("exhibition.webm", WEBM, "video/webm"),
        ],
    )
    def test_video_and_audio_are_known_by_their_first_bytes(self, world, item, name, content, kind):
        evidence = add(world, item, name, content)
        assert (evidence.content_type, evidence.size, evidence.filename) == (
            kind,
            len(content),
            name,
        )
        assert evidence.media == kind.split("/")[0]

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("exhibition.mp4", EXE, "not accepted"),  # a program renamed
            ("exhibition.mp4", b"I promise this is a video" * 100, "not accepted"),
            ("exhibition.webm", MKV, "not accepted"),  # Matroska: browsers do not all play it
            ("exhibition.mp4", ftyp(b"heic", b"mif1", b"heic") + bytes(64), "not accepted"),
            ("exhibition.mp4", WEBM, "does not match its content (it is a WEBM file)"),
            ("exhibition.webm", MP4, "does not match its content (it is a MP4 file)"),
            ("interview.m4a", MOV, "does not match its content (it is a MOV file)"),
            ("exhibition.mp4", PDF, "does not match its content (it is a PDF file)"),
        ],
    )
    def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused(
        self, world, item, name, content, message
    ):
        with pytest.raises(ValidationError, match=re.escape(message)) as error:
            add(world, item, name, content)
        assert list(error.value.error_dict) == ["file"]
        assert not Evidence.objects.exists()

    def test_the_form_offers_the_media_endings_and_says_the_schools_limit(
        self, world, item, client
    ):
        set_limit(world.school, 350)
        client.force_login(world.student.user)
        page = client.get(reverse("students:evidence-create", args=[item.pk])).content.decode()
        assert ".mp4" in page and ".mov" in page and ".webm" in page and ".m4a" in page
        assert "up to 350 MB" in page
        assert f'data-limit-bytes="{350 * MB}"' in page
        assert "This file is {size} MB; the largest your school accepts is 350 MB." in page
        assert 'src="/static/js/upload-progress.js" defer' in page
        assert '<progress class="w-100" id="upload-progress-bar"' in page


class TestSizeLimit:
    def test_each_school_sets_its_own_limit(self, world, item):
        big = media(ftyp(b"isom", b"isom"), size=MB + 10)
        set_limit(world.school, 2)
        assert add(world, item, "big.mp4", big).size == len(big)
        set_limit(world.school, 1)
        with pytest.raises(ValidationError) as error:
            add(world, item, "big.mp4", big)
        assert error.value.message_dict["file"] == [
            "This file is 2 MB; the largest your school accepts is 1 MB."
        ]
        assert Evidence.objects.count() == 1

    def test_the_school_settings_form_sets_the_limit(self, world, client):
        client.force_login(world.admin)
        url = reverse("bigpicture:school-update", args=[world.school.pk])
        page = client.get(url).content.decode()
        assert 'name="evidence_limit_mb"' in page
        data = {
            "name": world.school.name,
            "time_zone": world.school.time_zone,
            "term_system": world.school.term_system,
            "advisory_capacity": world.school.advisory_capacity,
            "access_record_days": world.school.access_record_days,
            "evidence_limit_mb": 0,
        }
        refused = client.post(url, data)
        assert refused.status_code == 200
        assert "evidence_limit_mb" in refused.context["form"].errors
        assert client.post(url, {**data, "evidence_limit_mb": 500}).status_code == 302
        world.school.refresh_from_db()
        assert world.school.evidence_limit_mb == 500

    def test_a_too_large_upload_is_refused_next_to_the_field_and_the_title_kept(
        self, world, item, client
    ):
        set_limit(world.school, 1)
        client.force_login(world.student.user)
        big = upload("exhibition.mp4", media(ftyp(b"isom", b"isom"), size=3 * MB))
        url = reverse("students:evidence-create", args=[item.pk])
        response = client.post(url, {"title": "My exhibition", "file": big})
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["file"] == [
            "This file is 4 MB; the largest your school accepts is 1 MB."  # 3 MB and the form
        ]
        assert form["title"].value() == "My exhibition"
        assert not Evidence.objects.exists()


class Spy(FileUploadHandler):
    """The handler behind the limit: how many bytes of the file reached it."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        Spy.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def parse(content: bytes, limit: int):
    body = encode_multipart(BOUNDARY, {"title": "Film", "file": upload("film.mp4", content)})
    request = RequestFactory().post("/", body, content_type=MULTIPART)
    Spy.received = 0
    handler = SizeLimitHandler(request, limit=limit)
    parser = MultiPartParser(request.META, request, [handler, Spy(request)])
    post, files = parser.parse()
    return handler, post, files, len(body)


class TestUploadHandler:
    def test_a_request_longer_than_the_limit_is_stopped_before_a_byte_of_the_file(self):
        handler, post, files, length = parse(bytes(2 * MB), limit=MB)
        assert Spy.received == 0
        assert handler.refused_size == length
        assert post["title"] == "Film" and "file" not in files

    def test_a_file_that_grows_past_the_limit_is_cut_off_there(self):
        # Within the allowance for the form around it, so only the count of bytes stops it.
        handler, _, files, length = parse(bytes(MB + ENVELOPE_BYTES // 2), limit=MB)
        assert length <= MB + ENVELOPE_BYTES
        assert 0 < Spy.received <= MB + 64 * 1024
        assert handler.refused_size is not None and handler.refused_size > MB
        assert "file" not in files

    def test_a_file_within_the_limit_goes_through(self):
        handler, post, _, _ = parse(bytes(MB - 100), limit=MB)
        assert handler.refused_size is None
        assert Spy.received == MB - 100  # every byte passed on to the handler that keeps it
        assert post["title"] == "Film"


class TestStreamedToDisk:
    def test_settings_keep_uploads_in_memory_only_when_small(self, settings):
        assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
        assert settings.FILE_UPLOAD_HANDLERS[-1].endswith("TemporaryFileUploadHandler")

    def test_a_large_upload_is_written_to_disk_as_it_arrives_never_held_in_memory(
        self, world, item, monkeypatch
    ):
        size = 32 * MB
        content = media(ftyp(b"isom", b"isom", b"avc1"), size=size)
        body = encode_multipart(BOUNDARY, {"title": "Film", "file": upload("film.mp4", content)})
        del content
        url = reverse("students:evidence-create", args=[item.pk])
        request = RequestFactory().post(url, body, content_type=MULTIPART)
        del body  # the request's payload keeps its own copy, made before measuring
        request.user = world.student.user
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        request._dont_enforce_csrf_checks = True
        uploaded = []
        add_evidence = evidence_services.evidence_add

        def spy(**kwargs):
            uploaded.append(type(kwargs["file"]))
            return add_evidence(**kwargs)

        monkeypatch.setattr(evidence_services, "evidence_add", spy)
        view = resolve(url).func
        tracemalloc.start()
        try:
            response = view(request, pk=item.pk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            request.close()  # as the server does after the response: the upload's files
        assert response.status_code == 302
        assert uploaded == [TemporaryUploadedFile]
        assert peak < 4 * MB, f"peak {peak / MB:.1f} MB for a {size // MB} MB upload"
        evidence = Evidence.objects.get()
        assert evidence.size == size and evidence.file.size == size

    def test_no_transaction_is_held_open_while_a_file_arrives(self, item):
        view = resolve(reverse("students:evidence-create", args=[item.pk])).func
        assert view._non_atomic_requests == {"default"}
        assert view.csrf_exempt  # deferred, not skipped: see the next test


class TestUploadView:
    def test_the_token_is_still_checked_after_the_limit_is_set(self, world, item):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.student.user)
        url = reverse("students:evidence-create", args=[item.pk])
        data = {"title": "Film", "file": upload("film.webm", WEBM)}
        assert client.post(url, data).status_code == 403
        client.get(url)
        token = client.cookies["csrftoken"].value
        data = {"title": "Film", "file": upload("film.webm", WEBM), "csrfmiddlewaretoken": token}
        assert client.post(url, data).status_code == 302
        assert Evidence.objects.get().content_type == "video/webm"

    def test_the_upload_script_is_told_where_to_go(self, world, item, client):
        client.force_login(world.student.user)
        url = reverse("students:evidence-create", args=[item.pk])
        data = {"title": "Film", "file": upload("film.mp4", MP4)}
        response = client.post(url, data, headers={"X-Upload-Progress": "1"})
        assert response.status_code == 200
        assert response.json() == {"redirect": item.plan.get_absolute_url()}
        # ... and the plan it opens has the message, and plays the film in the page
        page = client.get(item.plan.get_absolute_url()).content.decode()
        assert "The evidence is added." in page
        src = reverse("students:evidence-file", args=[Evidence.objects.get().pk])
        assert f'<video controls preload="metadata" src="{src}" aria-label="Film">' in page

    def test_a_recording_plays_in_an_audio_player(self, world, item, client):
        evidence = add(world, item, "interview.m4a", M4A)
        client.force_login(world.advisor)
        page = client.get(item.plan.get_absolute_url()).content.decode()
        src = evidence.get_absolute_url()
        assert f'<audio class="w-100" controls preload="metadata" src="{src}"' in page
        assert "<video" not in page

    def test_someone_elses_goal_is_out_of_reach_before_the_upload_is_read(self, world, client):
        other = factories.PlanItemFactory(
            plan=factories.PlanFactory(student=world.other_student, term=world.term)
        )
        client.force_login(world.student.user)
        url = reverse("students:evidence-create", args=[other.pk])
        assert client.post(url, {"title": "x", "file": upload("x.mp4", MP4)}).status_code == 404
        assert not Evidence.objects.exists()


class TestParseRange:
    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ("bytes=0-99", ByteRange(0, 99)),
            ("bytes=100-", ByteRange(100, 999)),
            ("bytes=-100", ByteRange(900, 999)),
            ("bytes=-5000", ByteRange(0, 999)),
            ("bytes=990-5000", ByteRange(990, 999)),
            ("bytes=999-999", ByteRange(999, 999)),
            (None, None),
            ("", None),
            ("bytes=5-1", None),  # malformed: ignored, the whole file
            ("bytes=0-1,5-6", None),  # several ranges: the whole file
            ("items=0-5", None),
            ("bytes=-", None),
            ("bytes=a-b", None),
        ],
    )
    def test_one_range_or_the_whole_file(self, header, expected):
        assert parse_range(header, 1000) == expected

    @pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=-0", 1000)])
    def test_a_range_outside_the_file_is_unsatisfiable(self, header, size):
        with pytest.raises(Unsatisfiable):
            parse_range(header, size)

    def test_an_empty_file_has_no_byte_to_send(self):
        with pytest.raises(Unsatisfiable):
            parse_range("bytes=-10", 0)


CONTENT = bytes(range(256)) * 40  # 10,240 bytes, each position telling


@pytest.fixture
def film(world, item):
    return add(world, item, "film.mp4", media(ftyp(b"isom", b"isom"), 8) + CONTENT)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


class TestServingRanges:
    def get(self, client, evidence, **headers):
        return client.get(evidence.get_absolute_url(), headers=headers)

    def test_the_whole_file_says_ranges_are_accepted_and_plays_inline(self, world, film, client):
        client.force_login(world.guardian)
        response = self.get(client, film)
        data = film.file.open("rb").read()
        assert response.status_code == 200
        assert body(response) == data
        assert response["Content-Length"] == str(len(data))
        assert response["Accept-Ranges"] == "bytes"
        assert response["Content-Type"] == "video/mp4"
        assert response["Content-Disposition"] == 'inline; filename="film.mp4"'
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize(
        ("header", "start", "end"),
        [("bytes=0-99", 0, 99), ("bytes=5000-", 5000, None), ("bytes=-300", -300, None)],
    )
    def test_a_range_is_partial_content(self, world, film, client, header, start, end):
        client.force_login(world.advisor)
        data = film.file.open("rb").read()
        part = data[start : None if end is None else end + 1]
        first = start % len(data)
        response = self.get(client, film, Range=header)
        assert response.status_code == 206
        assert body(response) == part
        assert response["Content-Length"] == str(len(part))
        assert response["Content-Range"] == f"bytes {first}-{first + len(part) - 1}/{len(data)}"
        assert response["Accept-Ranges"] == "bytes"
        assert response["Content-Type"] == "video/mp4"

    def test_a_range_past_the_end_is_416(self, world, film, client):
        client.force_login(world.advisor)
        response = self.get(client, film, Range=f"bytes={film.size}-")
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{film.size}"
        assert response.content == b""

    def test_if_range_without_a_validator_sends_the_whole_file(self, world, film, client):
        client.force_login(world.advisor)
        response = self.get(client, film, Range="bytes=0-9", If_Range='"abc"')
        assert response.status_code == 200
        assert len(body(response)) == film.size

    def test_a_document_is_still_a_download_and_may_be_resumed(self, world, item, client):
        pdf = add(world, item, "report.pdf", PDF)
        client.force_login(world.advisor)
        response = self.get(client, pdf, Range="bytes=5-")
        assert response.status_code == 206
        assert body(response) == PDF[5:]
        assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
        assert response["Content-Type"] == "application/pdf"

    def test_the_file_is_read_in_blocks_never_whole(self, world, item, client):
        big = add(world, item, "long.mp4", media(ftyp(b"isom", b"isom"), size=MB))
        client.force_login(world.advisor)
        response = self.get(client, big, Range="bytes=100-")
        blocks = [len(block) for block in response.streaming_content]
        assert sum(blocks) == MB - 100
        assert max(blocks) <= 64 * 1024 and len(blocks) > 1

    def test_others_evidence_is_out_of_reach_whatever_the_range(self, world, film, client):
        for person in (world.other_link.guardian, world.admin2, world.other_advisor):
            client.force_login(person)
            assert self.get(client, film, Range="bytes=0-1").status_code == 404
        client.force_login(world.mentor)
        assert self.get(client, film, Range="bytes=0-1").status_code in {403, 404}
        client.logout()
        assert self.get(client, film, Range="bytes=0-1").status_code == 302

    def test_a_range_costs_the_queries_of_the_whole_file(
        self, world, film, client, django_assert_num_queries
    ):
        client.force_login(world.advisor)
        self.get(client, film)  # the session and the roles, read once
        # the session, the user, the roles, the evidence with its student, the record of access
        with django_assert_num_queries(5):
            body(self.get(client, film))
        with django_assert_num_queries(5):
            body(self.get(client, film, Range="bytes=0-99"))
        # the rest of a playback, or a range out of the file, notes no new viewing
        with django_assert_num_queries(4):
            body(self.get(client, film, Range="bytes=100-199"))
        with django_assert_num_queries(4):
            self.get(client, film, Range="bytes=999999-")

    def test_a_viewing_is_recorded_once_however_many_ranges_the_player_asks_for(
        self, world, film, client
    ):
        client.force_login(world.advisor)
        viewed = AccessRecord.objects.filter(student_id=world.student.pk, area="evidence")
        body(self.get(client, film, Range="bytes=0-"))
        assert viewed.count() == 1
        body(self.get(client, film, Range="bytes=4000-"))
        body(self.get(client, film, Range="bytes=-100"))
        assert viewed.count() == 1
        body(self.get(client, film))
        assert viewed.count() == 2
