"""Every date a person types has a sensible range for its meaning: a year 0001 or 9999 is told
next to its field (the typed values kept), never stored, and never a server error."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from advisories.models import Membership
from advisories.services import student_place
from bigpicture import services as core_services
from bigpicture.models import SchoolYear, Term
from internships.models import Exploration, Placement
from internships.services import directory as directory_services
from internships.services import visits as visits_services
from students.models import Exhibition, PlanMeeting, ProgressUpdate
from students.services import plans as plan_services
from tests import factories
from tests.internships.matrix_pipeline import propose
from tests.students.test_meetings_views import form_data
from tests.students.test_views import assert_error_by_field, assert_kept

FIRST, LAST = "0001-01-01", "9999-12-31"


def _no_500(client):
    client.raise_request_exception = True
    return client


@pytest.fixture
def far_term(world):
    """A school year and term at the end of the calendar, as stored before the years had a
    range: scheduling in it must still answer with a message, not fail in arithmetic."""
    year = factories.SchoolYearFactory(
        school=world.school, name="Far", start_date=date(9999, 1, 1), end_date=date(9999, 12, 31)
    )
    return factories.TermFactory(
        school_year=year, name="Far term", start_date=date(9999, 1, 1), end_date=date(9999, 12, 31)
    )


class TestYearsAndTerms:
    @pytest.mark.parametrize(("start", "end"), [(FIRST, "0002-06-20"), ("9998-08-26", LAST)])
    def test_a_school_year_far_from_today_is_shown_by_its_days(self, client_as, world, start, end):
        url = reverse("bigpicture:year-list", args=[world.school2.pk])
        client = _no_500(client_as("admin"))
        client.force_login(world.admin2)
        response = client.post(url, {"name": "Typo", "start_date": start, "end_date": end})
        field = "start_date" if start == FIRST else "end_date"
        assert response.status_code == 200
        assert "Choose a date between" in response.content.decode()
        assert "is-invalid" in _block(response, field)
        assert_kept(response, "start_date", start)
        assert_kept(response, "end_date", end)
        assert not SchoolYear.objects.filter(name="Typo").exists()

    def test_the_service_refuses_it_too(self, world):
        with pytest.raises(ValidationError) as error:
            core_services.school_year_create(
                school=world.school2,
                by=world.admin2,
                name="Typo",
                start_date=date(1, 1, 1),
                end_date=date(1, 6, 1),
            )
        assert "start_date" in error.value.message_dict

    def test_a_school_year_near_today_is_accepted(self, world):
        today = world.school2.today()
        year = core_services.school_year_create(
            school=world.school2,
            by=world.admin2,
            name="Next",
            start_date=today + timedelta(days=200),
            end_date=today + timedelta(days=500),
        )
        assert year.pk

    def test_a_term_in_a_far_year_is_refused_by_its_days(self, client_as, world, far_term):
        url = reverse("bigpicture:term-create", args=[far_term.school_year.pk])
        client = _no_500(client_as("admin"))
        data = {"name": "Quarter 9", "start_date": "9999-12-01", "end_date": LAST}
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Choose a date between" in _block(response, "start_date")
        assert not Term.objects.filter(name="Quarter 9").exists()


def _block(response, name):
    from tests.students.test_views import field_html

    return field_html(response, name)


class TestEvents:
    def test_a_meeting_at_the_end_of_the_calendar_is_told_not_a_500(
        self, client_as, world, far_term
    ):
        url = reverse("students:meeting-create", kwargs={"pk": world.student.pk})
        client = _no_500(client_as("advisor"))
        response = client.post(url, form_data(world, starts_at="9999-12-31T23:30"))
        assert response.status_code == 200
        assert "Choose a date between" in _block(response, "starts_at")
        assert_kept(response, "starts_at", "9999-12-31T23:30")
        assert not PlanMeeting.objects.exists()

    def test_an_exhibition_at_the_end_of_the_calendar_is_told_not_a_500(
        self, client_as, world, far_term
    ):
        url = reverse("students:exhibition-create", args=[world.student.pk])
        client = _no_500(client_as("advisor"))
        data = {
            "title": "Why boats float",
            "starts_at": "9999-12-31T23:30",
            "duration": "45",
            "room": "Hall",
            "guardians": [world.guardian.pk],
            "outside": "",
        }
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Choose a date between" in _block(response, "starts_at")
        assert_kept(response, "title", "Why boats float")
        assert not Exhibition.objects.exists()


class TestProgress:
    @pytest.fixture
    def item(self, world):
        plan = factories.PlanFactory(student=world.student, term=world.term)
        return factories.PlanItemFactory(plan=plan, goals=["communication"])

    @pytest.mark.parametrize("days_before_the_term", [1, 365 * 2025])
    def test_progress_before_the_plans_term_is_refused(self, world, item, days_before_the_term):
        on = world.term.start_date - timedelta(days=days_before_the_term)
        with pytest.raises(ValidationError) as error:
            plan_services.progress_record(
                item=item, by=world.student.user, progress="in_progress", on=on
            )
        assert "when this plan's work began" in error.value.message_dict["on"][0]
        assert not ProgressUpdate.objects.exists()

    def test_a_plan_begun_before_its_term_takes_progress_from_that_day(self, world):
        """In the summer break a student shapes the coming term's plan and may start on it."""
        today = world.school.today()
        coming = factories.TermFactory(
            school_year=world.year,
            name="Coming term",
            start_date=world.term.end_date + timedelta(days=30),
            end_date=world.term.end_date + timedelta(days=90),
        )
        plan = factories.PlanFactory(student=world.student, term=coming)
        item = factories.PlanItemFactory(plan=plan, goals=["communication"])
        update = plan_services.progress_record(
            item=item, by=world.student.user, progress="in_progress", on=today
        )
        assert update.on == today
        with pytest.raises(ValidationError):
            plan_services.progress_record(
                item=item, by=world.student.user, progress="met", on=today - timedelta(days=1)
            )

    def test_progress_in_the_term_is_recorded(self, world, item):
        on = world.term.start_date
        update = plan_services.progress_record(
            item=item, by=world.student.user, progress="in_progress", on=on
        )
        assert update.on == on

    def test_the_form_shows_it_by_the_date(self, client_as, world, item):
        url = reverse("students:progress-create", args=[item.pk])
        client = _no_500(client_as("student"))
        response = client.post(url, {"progress": "in_progress", "on": FIRST, "note": "Kept"})
        assert_error_by_field(response, "on", _progress_message(world))
        assert not ProgressUpdate.objects.exists()


def _progress_message(world):
    from django.utils import formats

    first = formats.date_format(world.term.start_date)
    return f"Choose a day from {first}, when this plan's work began, up to today."


class TestInternships:
    def test_an_exploration_in_year_one_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            visits_services.exploration_log(
                student=world.student,
                by=world.student.user,
                kind="interview",
                on=date(1, 1, 1),
                reflection="Long ago",
                with_whom="A shipwright",
            )
        assert "Choose a date between" in error.value.message_dict["on"][0]
        assert not Exploration.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [("start_on", date(1, 1, 1)), ("end_on", date(9999, 12, 31))],
    )
    def test_an_internship_far_from_today_is_refused(self, world, field, value):
        item = factories.PlanItemFactory(
            plan=factories.PlanFactory(student=world.student, term=world.term),
            goals=["communication"],
        )
        with pytest.raises(ValidationError) as error:
            propose(world, plan_items=[item], review_on=None, **{field: value})
        assert "Choose a date between" in error.value.message_dict[field][0]
        assert not Placement.objects.exists()

    def test_a_mentor_check_expiring_in_9999_is_refused(self, world):
        today = world.school.today()
        with pytest.raises(ValidationError) as error:
            directory_services.mentor_create(
                school=world.school,
                by=world.admin,
                email="rosa.marin@boats.test",
                first_name="Rosa",
                last_name="Marin",
                phone="",
                job_title="Shipwright",
                site=world.mentor_profile.site,
                background_check="cleared",
                checked_on=today - timedelta(days=10),
                check_expires_on=date(9999, 12, 31),
            )
        assert "Choose a date between" in error.value.message_dict["check_expires_on"][0]

    def test_a_site_reviewed_in_year_one_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            directory_services.site_create(
                school=world.school,
                by=world.admin,
                organization="Harbor Boatworks",
                address="1 Pier Road",
                cluster="manufacturing",
                industry="Boat building",
                safety_reviewed_on=date(1, 1, 1),
                notes="",
                status="active",
            )
        assert "Choose a date between" in error.value.message_dict["safety_reviewed_on"][0]


class TestAdvisories:
    def test_a_place_in_an_advisory_from_year_one_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            student_place(
                student=world.unplaced,
                advisory=world.advisory,
                start_date=date(1, 1, 1),
                by=world.admin,
            )
        assert "Choose a date between" in error.value.message_dict["start_date"][0]
        assert not Membership.objects.filter(student=world.unplaced).exists()
