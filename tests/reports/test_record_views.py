"""The record of access pages: the school's list, one student's record, its CSV and PDF."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bigpicture.models import AccessRecord
from bigpicture.pages import pdf
from tests.reports.matrix_records import CASES

Area, Action = AccessRecord.Area, AccessRecord.Action


def note(student, *, who="Ada Advisor <ada@met.test>", area=Area.PLAN, action=Action.VIEW, **kw):
    return AccessRecord.objects.create(
        school_id=student.school_id,
        student_id=student.pk,
        person_name=who,
        roles="advisor",
        action=action,
        area=area,
        source="students:plan-detail",
        **kw,
    )


def test_matrix_cases_name_the_three_pages():
    assert {name for name, _kwargs, _expected in CASES} == {
        "reports:access-list",
        "reports:access-student",
        "reports:access-student-export",
    }


def test_list_shows_the_schools_rows_newest_first(world, client_as):
    note(world.student, who="First <first@met.test>", at=timezone.now() - timedelta(days=2))
    note(world.other_student, who="Second <second@met.test>")
    note(world.student2, who="Elsewhere <else@newport.test>")
    page = client_as("admin").get(reverse("reports:access-list")).content.decode()
    assert page.index("Second") < page.index("First")
    assert "Elsewhere" not in page
    assert reverse("reports:access-student", args=[world.student.pk]) in page


@pytest.mark.parametrize(
    ("query", "kept", "left"),
    [
        ({"person": "first"}, "First", "Second"),
        ({"area": Area.NARRATIVE}, "Second", "First"),
        ({"action": Action.CHANGE}, "Second", "First"),
        ({"q": "Zebulon"}, "Second", "First"),
    ],
)
def test_list_filters(world, client_as, query, kept, left):
    world.other_student.preferred_name = "Zebulon"
    world.other_student.save()
    note(world.student, who="First <first@met.test>")
    note(world.other_student, who="Second <s@met.test>", area=Area.NARRATIVE, action=Action.CHANGE)
    page = client_as("admin").get(reverse("reports:access-list"), query).content.decode()
    assert kept in page
    assert left not in page


def test_list_dates_are_the_schools_days(world, client_as):
    note(world.student, who="Old <old@met.test>", at=timezone.now() - timedelta(days=10))
    note(world.student, who="New <new@met.test>")
    today = world.school.today()
    page = client_as("admin").get(reverse("reports:access-list"), {"start": today}).content
    assert b"New" in page
    assert b"Old" not in page


def test_bad_dates_say_so_next_to_the_field(world, client_as):
    note(world.student, who="Kept <kept@met.test>")
    response = client_as("admin").get(
        reverse("reports:access-list"), {"start": "2026-13-45", "end": "soon"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"start", "end"}
    assert b"Enter a valid date." in response.content
    assert b"Kept" in response.content  # the other filters still work


def test_end_before_start_is_refused(world, client_as):
    response = client_as("admin").get(
        reverse("reports:access-list"), {"start": "2026-05-02", "end": "2026-05-01"}
    )
    assert "end" in response.context["form"].errors


def test_list_costs_the_same_whatever_its_length(world, client_as, django_assert_max_num_queries):
    client = client_as("admin")
    note(world.student)
    with django_assert_max_num_queries(9) as few:
        client.get(reverse("reports:access-list"))
    for number in range(60):
        note(world.other_student if number % 2 else world.student)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("reports:access-list"))
    assert len(response.context["rows"]) == 50


def test_student_page_is_the_students_only(world, client_as, django_assert_max_num_queries):
    note(world.student, who="Mine <mine@met.test>")
    note(world.other_student, who="Theirs <theirs@met.test>")
    client = client_as("admin")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:access-student", args=[world.student.pk]))
    assert b"Mine" in response.content
    assert b"Theirs" not in response.content
    assert reverse("reports:access-student-export", args=[world.student.pk, "pdf"]).encode() in (
        response.content
    )


def test_another_schools_student_is_a_404(world, client_as):
    client = client_as("admin")
    assert (
        client.get(reverse("reports:access-student", args=[world.student2.pk])).status_code == 404
    )
    export = reverse("reports:access-student-export", args=[world.student2.pk, "csv"])
    assert client.get(export).status_code == 404


def test_unknown_format_is_a_404(world, client_as):
    url = reverse("reports:access-student-export", args=[world.student.pk, "xls"])
    assert client_as("admin").get(url).status_code == 404


def test_csv_lists_the_students_rows_and_records_the_export(world, client_as):
    note(world.student, who="Ada <ada@met.test>", area=Area.NARRATIVE)
    note(world.other_student, who="Bob <bob@met.test>")
    url = reverse("reports:access-student-export", args=[world.student.pk, "csv"])
    response = client_as("admin").get(url)
    assert response.streaming
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("when,who,as,action,records,student")
    # the rows so far, this download's own row the last of them
    assert len(lines) == 3
    assert "Ada <ada@met.test>" in lines[1]
    assert "narrative" in lines[1]
    assert "exported,record of access" in lines[2]
    export = AccessRecord.objects.get(action=Action.EXPORT)
    assert (export.student_id, export.area, export.person_id) == (
        world.student.pk,
        Area.RECORD,
        world.admin.pk,
    )


def test_pdf_is_a_pdf_in_the_language_asked(world, client_as):
    note(world.student)
    url = reverse("reports:access-student-export", args=[world.student.pk, "pdf"])
    response = client_as("admin").get(url, {"lang": "es"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessRecord.objects.filter(action=Action.EXPORT, student_id=world.student.pk).exists()


def test_profile_and_school_link_the_record(world, client_as):
    client = client_as("admin")
    profile = client.get(reverse("students:student-detail", args=[world.student.pk])).content
    assert reverse("reports:access-student", args=[world.student.pk]).encode() in profile
    school = client.get(reverse("bigpicture:school-overview", args=[world.school.pk])).content
    assert reverse("reports:access-list").encode() in school


def test_advisor_sees_no_link_to_the_record(world, client_as):
    profile = client_as("advisor").get(reverse("students:student-detail", args=[world.student.pk]))
    assert reverse("reports:access-student", args=[world.student.pk]).encode() not in (
        profile.content
    )


def test_without_pango_the_pdf_is_not_offered_and_the_csv_still_is(world, client_as, monkeypatch):
    monkeypatch.setattr(pdf, "AVAILABLE", False)
    client = client_as("admin")
    page = client.get(reverse("reports:access-student", args=[world.student.pk])).content.decode()
    assert "Download as CSV" in page and "Download as PDF" not in page
    assert "libpango" in page
    url = reverse("reports:access-student-export", args=[world.student.pk, "pdf"])
    assert client.get(url).status_code == 404
