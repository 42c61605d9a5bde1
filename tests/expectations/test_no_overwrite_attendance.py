"""Editing is never overwriting: two people taking the same advisory's roll of a day. A roll
opened before someone else saved it changes only the answers it changed; where both changed
the same student differently, the whole roll is refused (nothing written), the saved answer
shown beside that student, what was typed kept, and saving again replaces it on purpose."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bigpicture.models import Notification
from expectations.models import AttendanceMark, AttendanceSheet
from expectations.selectors.attendance import mark_version, roll_of
from expectations.services.attendance import attendance_take, changed_students
from tests import factories


def url(advisory) -> str:
    return reverse("expectations:attendance-take", args=[advisory.pk])


def fill(advisory, count):
    start = advisory.school.today() - timedelta(days=60)
    return [
        factories.MembershipFactory(advisory=advisory, start_date=start).student
        for _ in range(count)
    ]


def opened(world, advisory=None):
    """A roll page as opened now: student id -> (status, note, version), as its form holds."""
    roll = roll_of(advisory or world.advisory, world.school.today())
    return {row.student_id: (row.status, row.note, row.seen) for row in roll.rows}


def post_of(page, day, **changes):
    """What a roll page posts: each row as opened, ``changes`` (by student pk) as typed."""
    data = {"day": day.isoformat(), "student": [str(pk) for pk in page]}
    for pk, (status, note, seen) in page.items():
        status, note = changes.get(str(pk), (status, note))
        data |= {f"status-{pk}": status, f"note-{pk}": note, f"seen-{pk}": seen}
    return data


def take(world, page, by=None, **changes):
    """Save a roll page as the service gets it, with ``changes`` (by pk) made on it."""
    marks, seen = {}, {}
    for pk, (status, note, version) in page.items():
        marks[pk], seen[pk] = changes.get(str(pk), (status, note)), version
    return attendance_take(
        advisory=world.advisory,
        day=world.school.today(),
        marks=marks,
        by=by or world.advisor,
        seen=seen,
    )


def marks_of(advisory):
    rows = AttendanceMark.objects.filter(sheet__advisory=advisory)
    return {row.student_id: (row.status, row.note) for row in rows}


@pytest.fixture
def trio(world):
    """Three students in the advisory: the world's and two more."""
    return [world.student, *fill(world.advisory, 2)]


class TestService:
    def test_answers_the_stale_page_did_not_change_keep_the_newer_ones(self, world, trio):
        a, b, _c = trio
        stale = opened(world)
        take(world, opened(world), by=world.admin, **{str(a.pk): ("absent", "Flu")})
        take(world, stale, **{str(b.pk): ("late", "Bus")})
        assert marks_of(world.advisory) == {a.pk: ("absent", "Flu"), b.pk: ("late", "Bus")}
        assert AttendanceSheet.objects.get().taken_by == world.advisor

    def test_both_changing_one_student_differently_refuses_the_whole_roll(self, world, trio):
        a, b, _c = trio
        stale = opened(world)
        take(world, opened(world), by=world.admin, **{str(a.pk): ("absent", "Flu")})
        with pytest.raises(ValidationError) as refused:
            take(world, stale, **{str(a.pk): ("late", "Bus"), str(b.pk): ("excused", "")})
        assert changed_students(refused.value) == {a.pk}
        errors = refused.value.message_dict
        assert errors[f"status-{a.pk}"] == [
            "Saved meanwhile as Absent, with the note “Flu”. Your answer is kept here: save "
            "again to replace the saved one."
        ]
        assert "after you opened it" in errors["__all__"][0]
        assert marks_of(world.advisory) == {a.pk: ("absent", "Flu")}  # nothing of b either

    def test_both_giving_the_same_answer_is_no_conflict(self, world, trio):
        a, b, _c = trio
        stale = opened(world)
        take(world, opened(world), by=world.admin, **{str(a.pk): ("absent", "Flu")})
        take(world, stale, **{str(a.pk): ("absent", " Flu "), str(b.pk): ("late", "")})
        assert marks_of(world.advisory) == {a.pk: ("absent", "Flu"), b.pk: ("late", "")}

    def test_a_changed_note_alone_is_a_change(self, world, trio):
        a, _b, _c = trio
        take(world, opened(world), **{str(a.pk): ("absent", "")})
        stale = opened(world)
        take(world, opened(world), by=world.admin, **{str(a.pk): ("absent", "Called home")})
        with pytest.raises(ValidationError):
            take(world, stale, **{str(a.pk): ("absent", "Flu")})
        stale_again = opened(world)
        take(world, stale_again, **{str(a.pk): ("absent", "Flu")})  # seen the saved one: saves
        assert marks_of(world.advisory) == {a.pk: ("absent", "Flu")}

    def test_a_student_the_page_did_not_list_keeps_their_answer(self, world, trio):
        a, b, _c = trio
        page = opened(world)
        take(world, page, **{str(a.pk): ("absent", "")})
        short = {pk: row for pk, row in opened(world).items() if pk != a.pk}
        take(world, short, **{str(b.pk): ("late", "")})
        assert marks_of(world.advisory) == {a.pk: ("absent", ""), b.pk: ("late", "")}

    def test_without_versions_the_roll_is_saved_whole_as_before(self, world, trio):
        a, b, _c = trio
        take(world, opened(world), **{str(a.pk): ("absent", "")})
        attendance_take(
            advisory=world.advisory,
            day=world.school.today(),
            marks={b.pk: ("late", "")},
            by=world.advisor,
        )
        assert marks_of(world.advisory) == {b.pk: ("late", "")}

    def test_the_version_ignores_what_is_not_kept(self):
        assert mark_version("absent", " Flu ") == mark_version("absent", "Flu")
        assert mark_version("present", "typed") == mark_version("present", "")
        assert mark_version("absent", "") != mark_version("late", "")


def checked(html, student, value) -> bool:
    tag = re.search(rf'<input[^>]*name="status-{student.pk}"[^>]*value="{value}"[^>]*>', html)
    assert tag, f"no {value} choice for {student}"
    return " checked" in tag.group(0)


def shown(response):
    """What the page shown again holds, as ``opened`` gives it, to post again."""
    rows = response.context["roll"].rows
    return {row.student_id: (row.status, row.note, row.seen) for row in rows}


class TestTwoPeopleOnThePage:
    def test_the_page_carries_each_answers_version(self, world, client_as, trio):
        html = client_as("advisor").get(url(world.advisory)).content.decode()
        present = mark_version("present", "")
        for student in trio:
            assert f'name="seen-{student.pk}" value="{present}"' in html

    def test_a_stale_page_is_refused_beside_the_student_then_saved_on_purpose(
        self, world, client_as, trio
    ):
        a, b, c = trio
        day = world.school.today()
        mine, theirs = client_as("advisor"), client_as("admin")
        stale = shown(mine.get(url(world.advisory)))
        first = shown(theirs.get(url(world.advisory)))
        theirs.post(
            url(world.advisory),
            post_of(first, day, **{str(a.pk): ("late", "Bus"), str(c.pk): ("excused", "Trip")}),
        )
        changes = {str(a.pk): ("absent", "No call"), str(b.pk): ("absent", "")}
        response = mine.post(url(world.advisory), post_of(stale, day, **changes))
        html = response.content.decode()
        assert response.status_code == 200
        assert "after you opened it" in html
        error = rf'id="roll-{world.advisory.pk}-{a.pk}-errors"[^>]*>Saved meanwhile as Late'
        assert re.search(error, html)
        assert "the note “Bus”" in html
        assert checked(html, a, "absent") and 'value="No call"' in html  # typed, kept
        assert checked(html, b, "absent")  # changed here only: kept as typed
        assert checked(html, c, "excused") and 'value="Trip"' in html  # the newer answer
        assert marks_of(world.advisory) == {a.pk: ("late", "Bus"), c.pk: ("excused", "Trip")}
        assert not Notification.objects.exists()  # no absence notice for a roll refused
        again = mine.post(url(world.advisory), post_of(shown(response), day))
        assert again.status_code == 302
        assert marks_of(world.advisory) == {
            a.pk: ("absent", "No call"),
            b.pk: ("absent", ""),
            c.pk: ("excused", "Trip"),
        }

    @pytest.mark.parametrize("refused", [False, True])
    def test_the_queries_do_not_grow_with_the_roll(self, world, client_as, refused):
        counts = []
        client = client_as("admin")
        day = world.school.today()
        for advisory, first, size in (
            (world.advisory, world.student, 5),
            (world.other_advisory, world.other_student, 15),
        ):
            fill(advisory, size - 1)
            stale = opened(world, advisory)
            if refused:
                attendance_take(
                    advisory=advisory,
                    day=day,
                    marks={first.pk: ("late", "")},
                    by=world.admin,
                    seen={},
                )
            data = post_of(stale, day, **{str(first.pk): ("absent", "")})
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url(advisory), data)
            assert response.status_code == (200 if refused else 302)
            counts.append(len(queries))
        assert counts[0] == counts[1]
