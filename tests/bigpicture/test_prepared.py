"""Prepared reads: compiled once, run afresh each call, rows as the queryset would give them."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from advisories.models import Advisory
from bigpicture.models import User
from bigpicture.prepared import Rows, prepared
from students.models import LearningPlan, PlanItem, Student
from tests import factories


@prepared
def items_of(plan: int):
    return (
        PlanItem.objects.filter(plan_id=plan)
        .order_by("position", "pk")
        .values_list("pk", "title", "plan__term__name", "plan__student__user__last_name")
    )


@prepared
def last_names_in(school: int):
    return (
        Student.objects.filter(school_id=school)
        .order_by("user__last_name", "pk")
        .values_list("user__last_name", flat=True)
    )


@prepared
def people_named(email: str):
    return User.objects.filter(email=email).values_list("pk", "first_name", "date_joined")


@prepared
def due_from(plan: int, day: date):
    return (
        PlanItem.objects.filter(plan_id=plan, due_on__gte=day)
        .order_by("due_on", "pk")
        .values_list("title", "due_on")
    )


@prepared
def joined_before(school: int, moment: datetime):
    return (
        User.objects.filter(school_id=school, date_joined__lt=moment)
        .order_by("date_joined", "pk")
        .values_list("email", "date_joined")
    )


@prepared
def joined_before_elsewhere(school: int, moment: datetime):
    # compiled only under another active time zone (see its test)
    return (
        User.objects.filter(school_id=school, date_joined__lt=moment)
        .order_by("date_joined", "pk")
        .values_list("date_joined", "email")
    )


@prepared
def email_like(email: str):
    return User.objects.filter(email__iexact=email).order_by("pk").values_list("email", flat=True)


@prepared
def busiest_plans(school: int):
    return (
        LearningPlan.objects.filter(student__school_id=school)
        .annotate(n=Count("items"))
        .order_by("-n", "pk")
        .values_list("pk", "n")[:3]
    )


PLAN_WITH_PERSON = ("student_id", "status", "student__user_id", "student__user__last_name")


@prepared
def plan_with_person(plan: int):
    return LearningPlan.objects.filter(pk=plan).values_list("pk", *PLAN_WITH_PERSON)


def test_a_read_over_a_join_gives_the_querysets_rows_for_each_argument(two_plans):
    first, second = two_plans
    one, other = items_of(first.pk), items_of(second.pk)
    assert one == list(items_of.queryset(first.pk))
    assert other == list(items_of.queryset(second.pk))
    assert isinstance(one, list)
    assert all(type(row) is tuple for row in one + other)
    assert [row[2] for row in one] == ["Fall"] * 3
    assert [row[2] for row in other] == ["Spring"] * 2
    assert items_of(999_999) == []


def test_a_flat_read_gives_a_flat_list(two_plans):
    school = two_plans[0].student.school
    factories.StudentFactory(school=school, user__last_name="Aardvark")
    names = last_names_in(school.pk)
    assert names == list(last_names_in.queryset(school.pk))
    assert names[0] == "Aardvark"
    assert len(names) == 3
    assert all(isinstance(name, str) for name in names)


def test_a_str_argument_and_datetimes_come_back_aware(db):
    joined = datetime(2026, 3, 4, 5, 6, 7, 891_000, tzinfo=UTC)
    person = factories.UserFactory(email="ada@example.org", first_name="Ada", date_joined=joined)
    factories.UserFactory(email="bob@example.org")
    rows = people_named("ada@example.org")
    assert rows == list(people_named.queryset("ada@example.org"))
    assert rows == [(person.pk, "Ada", joined)]
    assert timezone.is_aware(rows[0][2])
    assert people_named("nobody@example.org") == []


def test_a_lookup_that_rewrites_its_value_is_refused_never_wrong(db):
    """``iexact`` is ``LIKE`` on SQLite (the ORM escapes ``%`` and ``_`` in the value) and
    ``UPPER(...) = UPPER(%s)`` on PostgreSQL: refused where the value is rewritten, the
    ORM's rows where it is not; ``contains`` wraps the value on every backend."""
    factories.UserFactory(email="axb@example.org")
    factories.UserFactory(email="a_b@example.org")
    if connection.vendor == "postgresql":
        assert email_like("A_B@example.org") == ["a_b@example.org"]
    else:
        with pytest.raises(TypeError, match="does not reach"):
            email_like("A_B@example.org")

    @prepared
    def containing(part: str):
        return User.objects.filter(email__contains=part).values_list("pk", flat=True)

    with pytest.raises(TypeError, match="does not reach"):
        containing("_b@")


@prepared
def items_of_plans(plans: list[int]):
    return PlanItem.objects.filter(plan_id__in=plans).order_by("pk").values_list("pk", "plan_id")


def test_a_list_argument_reads_as_the_orm_for_each_length(two_plans, django_assert_num_queries):
    first, second = two_plans
    for ids in ([first.pk], [first.pk, second.pk], [second.pk, None, second.pk, first.pk]):
        assert items_of_plans(ids) == list(items_of_plans.queryset(ids))
    assert len(items_of_plans([first.pk, second.pk])) == 5
    with django_assert_num_queries(0):  # an empty __in reads nothing, as the ORM
        assert items_of_plans([]) == [] == list(items_of_plans.queryset([]))


@prepared
def carried_from(plan: int, source: int):
    items = PlanItem.objects.filter(plan_id=plan, carried_from_id=source)
    return items.order_by("pk").values_list("pk", flat=True)


def test_a_value_the_statement_cannot_take_is_read_as_the_orm_reads_it(two_plans):
    """None is ``IS NULL`` to the ORM (``= NULL`` would match nothing); an integer beyond 64
    bits is out of every column's range to the ORM (a driver refuses it): both read through
    the ORM as built."""
    first = two_plans[0]
    assert carried_from(first.pk, None) == list(carried_from.queryset(first.pk, None))
    assert len(carried_from(first.pk, None)) == 3
    assert plan_with_person(10**20) == [] == list(plan_with_person.queryset(10**20))


def test_a_date_argument_gives_dates(two_plans):
    first = two_plans[0]
    rows = due_from(first.pk, date(2026, 9, 2))
    assert rows == list(due_from.queryset(first.pk, date(2026, 9, 2)))
    assert [day for _, day in rows] == [date(2026, 9, 2), date(2026, 9, 3)]
    assert all(type(day) is date for _, day in rows)
    assert len(due_from(first.pk, date(2026, 9, 1))) == 3


def test_a_datetime_argument_gives_aware_datetimes(db):
    school = factories.SchoolFactory()
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for hours in range(4):
        factories.UserFactory(school=school, date_joined=start + timedelta(hours=hours, seconds=1))
    moment = start + timedelta(hours=2)
    rows = joined_before(school.pk, moment)
    assert rows == list(joined_before.queryset(school.pk, moment))
    assert len(rows) == 2
    assert all(isinstance(at, datetime) and timezone.is_aware(at) for _, at in rows)
    assert len(joined_before(school.pk, start + timedelta(days=1))) == 4


def test_an_annotation_and_a_slice_give_what_the_orm_gives(two_plans):
    school = two_plans[0].student.school
    for _ in range(3):
        factories.PlanFactory(student__school=school, term=two_plans[0].term)
    rows = busiest_plans(school.pk)
    assert rows == list(busiest_plans.queryset(school.pk))
    assert rows[:2] == [(two_plans[0].pk, 3), (two_plans[1].pk, 2)]
    assert rows[2][1] == 0


def test_each_call_is_one_query_and_only_the_sql_is_kept(two_plans, django_assert_num_queries):
    first, second = two_plans
    with django_assert_num_queries(1):
        before = items_of(first.pk)
    expected = list(items_of.queryset(second.pk))
    factories.PlanItemFactory(plan=first, title="Written later", position=1_000)
    refuse = AssertionError("compiled again")
    with mock.patch.object(SQLCompiler, "as_sql", side_effect=refuse) as as_sql:
        with django_assert_num_queries(1):
            assert items_of(second.pk) == expected
        with django_assert_num_queries(1):
            after = items_of(first.pk)
    as_sql.assert_not_called()
    assert after[:-1] == before
    assert after[-1][1] == "Written later"


def test_the_sql_is_compiled_on_the_first_call(two_plans):
    @prepared
    def fresh(plan: int):
        return PlanItem.objects.filter(plan_id=plan).values_list("pk")

    real_as_sql = SQLCompiler.as_sql
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=real_as_sql) as spy:
        fresh(two_plans[0].pk)
        compiled = spy.call_count
        fresh(two_plans[1].pk)
    assert compiled >= 1
    assert spy.call_count == compiled


def test_arguments_must_be_annotated_with_a_supported_kind():
    with pytest.raises(TypeError, match="argument 'plan' must be annotated as int, str, date"):

        @prepared
        def unannotated(plan):
            return PlanItem.objects.filter(plan_id=plan).values_list("pk")

    with pytest.raises(TypeError, match="'plans' must be annotated"):

        @prepared
        def of_a_list(plans: list):
            return PlanItem.objects.filter(plan_id__in=plans).values_list("pk")


def test_a_read_whose_shape_ignores_its_argument_is_refused():
    @prepared
    def ignores(n: int):
        return PlanItem.objects.all().values_list("pk")

    with pytest.raises(TypeError, match="argument 0 does not reach the statement's parameters"):
        ignores(1)


def test_a_read_that_does_not_end_with_values_list_is_refused():
    @prepared
    def whole_rows(plan: int):
        return PlanItem.objects.filter(plan_id=plan)

    with pytest.raises(TypeError, match=r"ends with values_list\(\)"):
        whole_rows(1)


@pytest.mark.parametrize(
    "build",
    [
        lambda day: User.objects.filter(date_joined__date=day).values_list("pk"),
        lambda day: (
            User.objects.annotate(d=TruncDate("date_joined")).filter(d=day).values_list("pk")
        ),
    ],
    ids=["__date", "TruncDate"],
)
def test_a_read_whose_sql_depends_on_the_time_zone_is_refused(build):
    def on_a_day(day: date):
        return build(day)

    read = prepared(on_a_day)
    with pytest.raises(TypeError, match="depends on the active time zone"):
        read(date(2026, 9, 1))


def test_a_call_with_the_wrong_number_of_arguments_is_refused():
    with pytest.raises(TypeError, match="takes 2 arguments"):
        due_from(1)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        due_from(1, date(2026, 9, 1), 3)


def test_a_read_under_another_active_time_zone_gives_what_the_orm_gives(db):
    school = factories.SchoolFactory()
    start = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)  # another day in New York
    for hours in range(4):
        factories.UserFactory(school=school, date_joined=start + timedelta(hours=hours))
    with timezone.override("America/New_York"):
        moment = timezone.localtime(start + timedelta(hours=1, minutes=30))
        rows = joined_before_elsewhere(school.pk, moment)
        assert rows == list(joined_before_elsewhere.queryset(school.pk, moment))
        assert len(rows) == 2
        assert all(timezone.is_aware(at) for at, _ in rows)


def test_a_read_whose_building_queries_the_database_is_refused(two_plans):
    """What a query run while building returned would be written into the statement."""

    @prepared
    def items_of_students_plans(student: int):
        ids = list(LearningPlan.objects.filter(student_id=student).values_list("pk", flat=True))
        return PlanItem.objects.filter(plan_id__in=ids, plan__student_id=student).values_list("pk")

    with pytest.raises(TypeError, match="ran a query"):
        items_of_students_plans(two_plans[0].student_id)


def test_an_argument_compared_with_a_small_integer_column_reads_its_rows(world):
    """The ORM drops a condition on a value out of a column's range (a PositiveSmallInteger
    such as a graduating class): the read is compiled with stand-ins the column holds."""

    @prepared
    def advisories_of_class(school: int, graduating_class: int):
        advisories = Advisory.objects.filter(school_id=school, graduating_class=graduating_class)
        return advisories.order_by("pk").values_list("pk", flat=True)

    year = world.advisory.graduating_class
    assert advisories_of_class(world.school.pk, year) == list(
        advisories_of_class.queryset(world.school.pk, year)
    )
    assert world.advisory.pk in advisories_of_class(world.school.pk, year)
    assert advisories_of_class(world.school.pk, 1999) == []


def test_rows_count_and_pages_as_the_orm_slices(two_plans, django_assert_num_queries):
    """A prepared read paged in the database: each page and the count one statement, the
    rows the queryset's slices give."""
    first, second = two_plans
    rows, ids = Rows(items_of_plans, [first.pk, second.pk]), [first.pk, second.pk]
    expected = list(items_of_plans.queryset(ids))
    with django_assert_num_queries(1):
        assert rows.count() == len(expected) == 5
    for start, stop in [(0, 2), (2, 4), (4, 6), (5, 9)]:
        with django_assert_num_queries(1):
            assert rows[start:stop] == expected[start:stop]
    assert list(rows) == expected and len(rows) == 5
    with pytest.raises(TypeError):
        rows[1]
