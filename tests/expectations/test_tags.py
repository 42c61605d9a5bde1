"""Tagging work with the expectations it serves: the service, the page and the chips."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from expectations.models import SchoolExpectation, WorkTag
from expectations.selectors.catalog import wordings
from expectations.selectors.tags import chips_for, tags_of, work_to_tag
from expectations.services.tags import set_tags
from tests import factories
from tests.factories import expectation


@pytest.fixture
def item(world):
    return factories.PlanItemFactory(plan__student=world.student, plan__term=world.term)


def keys_of(work, field="item"):
    tags = WorkTag.objects.filter(**{field: work}).order_by("expectation__number")
    return [tag.expectation.key for tag in tags]


def url(kind, pk):
    return reverse("expectations:tags", args=[kind, pk])


def switch_off(school, key):
    SchoolExpectation.objects.create(school=school, expectation=expectation(key), is_active=False)


# --- the service ---------------------------------------------------------------------------


def test_student_replaces_the_set_of_tags(world, item):
    set_tags(
        work=item, expectations=[expectation("play"), expectation("choice")], by=world.student.user
    )
    assert keys_of(item) == ["choice", "play"]
    tags = set_tags(work=item, expectations=[expectation("play").pk], by=world.student.user)
    assert [tag.expectation.key for tag in tags] == ["play"]
    assert keys_of(item) == ["play"]
    assert WorkTag.objects.get(item=item).tagged_by == world.student.user
    assert WorkTag.objects.get(item=item).student == world.student


def test_advisor_tags_an_internship_and_an_exhibition(world):
    placement = factories.PlacementFactory(student=world.student)
    exhibition = factories.ExhibitionFactory(student=world.student, term=world.term)
    set_tags(work=placement, expectations=[expectation("application")], by=world.advisor)
    set_tags(work=exhibition, expectations=[expectation("authenticity")], by=world.advisor)
    assert keys_of(placement, "placement") == ["application"]
    assert keys_of(exhibition, "exhibition") == ["authenticity"]


@pytest.mark.parametrize("role", ["guardian", "mentor", "admin2"])
def test_people_who_may_not_tag_are_refused(world, item, role):
    with pytest.raises(PermissionDenied):
        set_tags(work=item, expectations=[expectation("play")], by=world.person(role))
    assert not WorkTag.objects.exists()


def test_another_students_work_is_refused(world):
    other = factories.PlanItemFactory(plan__student=world.other_student, plan__term=world.term)
    with pytest.raises(PermissionDenied):
        set_tags(work=other, expectations=[expectation("play")], by=world.student.user)
    with pytest.raises(PermissionDenied):
        set_tags(work=other, expectations=[expectation("play")], by=world.advisor)


def test_a_switched_off_expectation_is_refused_and_nothing_changes(world, item):
    set_tags(work=item, expectations=[expectation("choice")], by=world.student.user)
    switch_off(world.school, "play")
    with pytest.raises(ValidationError) as error:
        set_tags(
            work=item,
            expectations=[expectation("play"), expectation("time")],
            by=world.student.user,
        )
    assert "expectations" in error.value.message_dict
    assert keys_of(item) == ["choice"]


def test_tags_on_an_expectation_switched_off_since_are_kept(world, item):
    set_tags(work=item, expectations=[expectation("play")], by=world.student.user)
    switch_off(world.school, "play")
    set_tags(work=item, expectations=[expectation("time")], by=world.student.user)
    assert keys_of(item) == ["play", "time"]


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "advisor", "admin"])
def test_the_team_sets_tags_through_the_page(client_as, world, item, role):
    client = client_as(role)
    page = client.get(url("item", item.pk))
    assert page.status_code == 200
    assert item.title in page.content.decode()
    chosen = [expectation("relevance").pk, expectation("practice").pk]
    response = client.post(url("item", item.pk), {"expectations": chosen})
    assert response.status_code == 302
    assert response["Location"] == reverse("expectations:profile", args=[world.student.pk])
    assert keys_of(item) == ["relevance", "practice"]


def test_the_page_shows_the_chosen_chips_checked(client_as, world, item):
    factories.WorkTagFactory(item=item, expectation=expectation("timing"))
    html = client_as("student").get(url("item", item.pk)).content.decode()
    timing = expectation("timing").pk
    assert f'value="{timing}" class="btn-check"' in html or f'value="{timing}"' in html
    checked = [line for line in html.splitlines() if f'value="{timing}"' in line]
    assert checked and "checked" in checked[0]
    assert "Tagged now" in html and "Timing" in html


def test_the_page_does_not_offer_a_switched_off_expectation(client_as, world, item):
    switch_off(world.school, "play")
    client = client_as("student")
    html = client.get(url("item", item.pk)).content.decode()
    assert f'value="{expectation("play").pk}"' not in html
    response = client.post(url("item", item.pk), {"expectations": [expectation("play").pk]})
    assert response.status_code == 200
    assert "Choose among the expectations your school uses." in response.content.decode()
    assert not WorkTag.objects.exists()


def test_guardian_gets_403(client_as, item):
    assert client_as("guardian").get(url("item", item.pk)).status_code == 403
    assert client_as("guardian").post(url("item", item.pk), {}).status_code == 403


def test_another_students_work_is_404(client_as, world):
    other = factories.PlanItemFactory(plan__student=world.other_student, plan__term=world.term)
    assert client_as("student").get(url("item", other.pk)).status_code == 404
    response = client_as("advisor").post(url("item", other.pk), {"expectations": []})
    assert response.status_code == 404


def test_an_unknown_kind_is_404(client_as, item):
    assert client_as("student").get(url("narrative", item.pk)).status_code == 404


# --- the chips other pages read ------------------------------------------------------------


def test_tags_of_lists_work_per_expectation_with_links(world, item):
    placement = factories.PlacementFactory(student=world.student)
    factories.WorkTagFactory(item=item, expectation=expectation("play"))
    WorkTag.objects.create(
        placement=placement, student=world.student, expectation=expectation("play")
    )
    factories.WorkTagFactory(item=item, expectation=expectation("choice"))
    found = tags_of(world.student)
    assert list(found) == ["choice", "play"]
    assert [work.kind for work in found["play"]] == ["item", "internship"]
    assert found["play"][0].url == f"/students/plans/{item.plan_id}/#item-{item.pk}"
    assert found["play"][1].url == placement.get_absolute_url()
    assert found["play"][1].title == placement.project


def test_chips_for_reads_the_tags_of_many_in_one_query(world, django_assert_num_queries):
    plan = factories.PlanFactory(student=world.student, term=world.term)
    items = [factories.PlanItemFactory(plan=plan) for _ in range(3)]
    for item in items[:2]:
        factories.WorkTagFactory(item=item, expectation=expectation("play"))
    factories.WorkTagFactory(item=items[0], expectation=expectation("relationships"))
    words = wordings(world.school.pk, active_only=False)
    with django_assert_num_queries(1):
        chips = chips_for("item", [item.pk for item in items], words=words)
    assert [w.key for w in chips[items[0].pk]] == ["relationships", "play"]
    assert [w.key for w in chips[items[1].pk]] == ["play"]
    assert items[2].pk not in chips
    assert chips_for("item", [items[0].pk])[items[0].pk][0].name == "Relationships"


def test_work_to_tag_lists_the_terms_work_with_its_tag_pages(world, item):
    exhibition = factories.ExhibitionFactory(student=world.student, term=world.term)
    found = work_to_tag(world.student, world.term)
    assert [(work.kind, work.pk) for work in found] == [
        ("item", item.pk),
        ("exhibition", exhibition.pk),
    ]
    assert found[0].url == url("item", item.pk)
