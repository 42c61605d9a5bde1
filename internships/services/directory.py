"""Writes to the directory: the school's admins keep its sites and mentors (a mentor is an
account with the mentor role and no password), admins and advisors the opportunities, and a
student may propose a new site."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bigpicture import access
from bigpicture.dates import span_errors
from bigpicture.models import EMAIL_UNAVAILABLE, School, User, email_taken_message
from bigpicture.records import Area, records_change, through
from internships.models import Mentor, Opportunity, Site
from internships.reminders import directory as reminders
from students.models import Student

SITE_FIELDS = (
    "organization",
    "address",
    "cluster",
    "industry",
    "safety_reviewed_on",
    "notes",
    "status",
)
MENTOR_FIELDS = ("phone", "job_title", "background_check", "checked_on", "check_expires_on")
OPPORTUNITY_FIELDS = ("title", "description", "interests", "is_open")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _require_staff_of(by: User, school_id: int) -> None:
    """Opportunities are kept by the school's admins and advisors."""
    if access.is_network_admin(by):
        return
    if not (by.is_active and access.has_role(by, *access.STAFF)):
        raise PermissionDenied
    if by.school_id != school_id:
        raise PermissionDenied


# --- sites -------------------------------------------------------------------------------------


def _save_site(site: Site) -> Site:
    taken = Site.objects.filter(school_id=site.school_id, organization__iexact=site.organization)
    if site.organization and taken.exclude(pk=site.pk).exists():
        raise ValidationError(
            {"organization": _("This organization is already a site of the school.")}
        )
    if errors := span_errors(site.school.today(), safety_reviewed_on=site.safety_reviewed_on):
        raise ValidationError(errors)
    site.full_clean()
    site.save()
    return site


def site_create(*, school: School, by: User, **fields) -> Site:
    """An admin adds a workplace to the school's directory."""
    access.require_admin_of(by, school.pk)
    site = Site(school=school, **{key: _strip(fields[key]) for key in SITE_FIELDS if key in fields})
    return _save_site(site)


def site_update(*, site: Site, by: User, **fields) -> Site:
    """An admin changes a site; making a proposed site active takes it into the directory."""
    if not Site.objects.editable_by(by).filter(pk=site.pk).exists():
        raise PermissionDenied
    for key in SITE_FIELDS:
        if key in fields:
            setattr(site, key, _strip(fields[key]))
    return _save_site(site)


@records_change(Area.INTERNSHIP, student=through("student"))
@transaction.atomic
def site_propose(
    *, student: Student, by: User, organization: str, address: str, cluster: str, why: str
) -> Site:
    """A student proposes a workplace; it waits as "proposed" until an admin activates it."""
    if not (by.is_active and by.is_student and student.user_id == by.pk):
        raise PermissionDenied
    why = why.strip()
    if not why:
        raise ValidationError({"why": _("Say why this workplace interests you.")})
    site = Site(
        school_id=student.school_id,
        organization=organization.strip(),
        address=address.strip(),
        cluster=cluster,
        notes=why,
        status=Site.Status.PROPOSED,
        proposed_by=by,
    )
    _save_site(site)
    reminders.notify_site_proposed(site, why)
    return site


# --- mentors -----------------------------------------------------------------------------------


def _check_site(site: Site, school_id: int) -> None:
    if site.school_id != school_id:
        raise ValidationError({"site": _("Choose a site of your school.")})


def _save_mentor(mentor: Mentor) -> None:
    """Check the background check's dates next to their fields, then save."""
    first, last = mentor.checked_on, mentor.check_expires_on
    errors = span_errors(mentor.site.school.today(), checked_on=first, check_expires_on=last)
    if mentor.background_check == Mentor.Check.CLEARED:
        if mentor.checked_on is None:
            errors["checked_on"] = _("A cleared check needs the day it was done.")
        if mentor.check_expires_on is None:
            errors["check_expires_on"] = _("A cleared check needs its expiry date.")
    if first and last and last <= first:
        errors["check_expires_on"] = _("The check must expire after the day it was done.")
    if errors:
        raise ValidationError(errors)
    mentor.full_clean()
    mentor.save()


def _account_for(school: School, email: str, first_name: str, last_name: str) -> User:
    """The mentor's account: an existing one of the school gets the mentor role; a new one
    has no password (mentors sign in with one-time links)."""
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.select_for_update().filter(email=email).first()
    if user is None:
        user = User(
            school=school,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_mentor=True,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        return user
    if user.school_id != school.pk:
        raise ValidationError({"email": EMAIL_UNAVAILABLE})
    # A mentor is someone from outside the school: a student, staff or a deployment
    # operator cannot also be one (a mentor confirms hours and signs in by email link).
    others = user.is_student or user.is_school_admin or user.is_advisor
    if others or user.is_staff or user.is_superuser:
        raise ValidationError(
            {"email": _("This address belongs to a student or a staff member of the school.")}
        )
    if Mentor.objects.filter(user=user).exists():
        raise ValidationError({"email": _("This person is already a mentor.")})
    if not user.is_mentor:
        user.is_mentor = True
        user.save(update_fields=["is_mentor"])
    return user


@transaction.atomic
def mentor_create(
    *,
    school: School,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    site: Site,
    **fields,
) -> Mentor:
    """An admin adds a mentor at a site, with their account and background check."""
    access.require_admin_of(by, school.pk)
    _check_site(site, school.pk)
    user = _account_for(school, email, first_name, last_name)
    mentor = Mentor(
        user=user, site=site, **{key: _strip(fields[key]) for key in MENTOR_FIELDS if key in fields}
    )
    _save_mentor(mentor)
    return mentor


@transaction.atomic
def mentor_update(
    *,
    mentor: Mentor,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    site: Site,
    **fields,
) -> Mentor:
    """An admin changes a mentor's name, contact, site or background check."""
    school_id = mentor.site.school_id
    access.require_admin_of(by, school_id)
    _check_site(site, school_id)
    user = mentor.user
    if not User.objects.editable_by(by).filter(pk=user.pk).exists():
        raise PermissionDenied
    email = User.objects.normalize_email(email.strip()).lower()
    if taken := User.objects.filter(email=email).exclude(pk=user.pk).first():
        raise ValidationError({"email": email_taken_message(taken, school_id)})
    user.email, user.first_name, user.last_name = email, first_name.strip(), last_name.strip()
    user.full_clean()
    user.save(update_fields=["email", "first_name", "last_name"])
    mentor.site = site
    for key in MENTOR_FIELDS:
        if key in fields:
            setattr(mentor, key, _strip(fields[key]))
    _save_mentor(mentor)
    return mentor


# --- opportunities -----------------------------------------------------------------------------


def _save_opportunity(opportunity: Opportunity, by: User, site: Site, mentor) -> Opportunity:
    _require_staff_of(by, site.school_id)
    if mentor is not None and mentor.site_id != site.pk:
        raise ValidationError({"mentor": _("Choose a mentor of this site, or none.")})
    opportunity.site, opportunity.mentor = site, mentor
    opportunity.interests = ", ".join(opportunity.tags)  # tidy the commas and spaces
    opportunity.full_clean()
    opportunity.save()
    return opportunity


def opportunity_create(
    *, school: School, by: User, site: Site, mentor: Mentor | None = None, **fields
) -> Opportunity:
    """An admin or advisor offers an internship at a site, tagged with interests."""
    _require_staff_of(by, school.pk)
    if site.school_id != school.pk:
        raise ValidationError({"site": _("Choose a site of your school.")})
    opportunity = Opportunity(
        **{key: _strip(fields[key]) for key in OPPORTUNITY_FIELDS if key in fields}
    )
    return _save_opportunity(opportunity, by, site, mentor)


def opportunity_update(
    *, opportunity: Opportunity, by: User, site: Site, mentor: Mentor | None = None, **fields
) -> Opportunity:
    """An admin or advisor changes an opportunity, or closes it to students."""
    school_id = opportunity.site.school_id
    _require_staff_of(by, school_id)
    if site.school_id != school_id:
        raise ValidationError({"site": _("Choose a site of your school.")})
    for key in OPPORTUNITY_FIELDS:
        if key in fields:
            setattr(opportunity, key, _strip(fields[key]))
    return _save_opportunity(opportunity, by, site, mentor)
