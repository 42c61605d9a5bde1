"""Writes for people, schools, school years and terms."""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bigpicture import access, notifications, reminders
from bigpicture.access import require_admin_of
from bigpicture.models import (
    Delivery,
    NotificationPreference,
    ReminderSetting,
    School,
    SchoolYear,
    Term,
    User,
    email_taken_message,
)
from bigpicture.notifications.rules import KINDS, RULES
from bigpicture.selectors import term_cache_key, year_cache_key

PERSON_FIELDS = ("email", "phone", "first_name", "last_name", "language")
SCHOOL_FIELDS = (
    "name",
    "time_zone",
    "term_system",
    "advisory_capacity",
    "second_factor_for_admins",
    "second_factor_for_advisors",
    "access_record_days",
    "evidence_limit_mb",
)


def _apply_roles(user: User, roles: set[str]) -> None:
    unknown = set(roles) - access.ALL_ROLES
    if unknown:
        raise ValidationError({"roles": _("Unknown role.")})
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    for role, field in access.ROLE_FIELDS.items():
        setattr(user, field, role in roles)


def _refuse_taken_email(user: User) -> None:
    if not user.email:  # filter(email=None) would find everyone else without an address
        return
    taken = User.objects.filter(email=user.email).exclude(pk=user.pk).first()
    if taken is not None:
        raise ValidationError({"email": email_taken_message(taken, user.school_id)})


@transaction.atomic
def person_create(
    *,
    school: School,
    by: User,
    email: str | None,
    first_name: str,
    last_name: str,
    roles: set[str],
    language: str = "en",
    phone: str = "",
) -> User:
    """Add a person to a school and invite them by email to choose a password (a guardian
    reached only by phone has no account to sign in to, and gets no invitation)."""
    require_admin_of(by, school.pk)
    user = User(
        school=school,
        email=User.objects.normalize_email((email or "").strip()).lower() or None,
        phone=phone or "",
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        language=language,
    )
    _apply_roles(user, roles)
    _refuse_email_needed(user)
    _refuse_taken_email(user)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    # The invitation is written with the account: both, or neither.
    if user.email:
        notifications.record(reminders.ACCOUNT_INVITATION, [reminders.invitation(user, by=by)])
    return user


def _refuse_email_needed(user: User) -> None:
    """Only a family member may go without an email address (and then has a phone): anyone
    else signs in with it."""
    if user.email:
        return
    if set(access.roles_of(user)) - {access.GUARDIAN}:
        raise ValidationError(
            {"email": _("Enter an email address: it is how this person signs in.")}
        )
    if not user.phone:
        raise ValidationError(
            {"email": _("Enter an email address or a phone number, so the school can reach them.")}
        )


@transaction.atomic
def person_update(*, person: User, by: User, roles: set[str] | None = None, **fields) -> User:
    """Change a person's name, email, language, roles or whether they may sign in."""
    if not User.objects.editable_by(by).filter(pk=person.pk).exists():
        raise PermissionDenied
    for key in (*PERSON_FIELDS, "is_active"):
        if key in fields:
            setattr(
                person, key, fields[key].strip() if isinstance(fields[key], str) else fields[key]
            )
    person.email = (person.email or "").lower() or None
    person.phone = person.phone or ""
    if roles is not None:
        if person.pk == by.pk and access.ADMIN not in roles and not by.is_superuser:
            raise ValidationError({"roles": _("You cannot remove your own admin role.")})
        if hasattr(person, "student_profile") and access.STUDENT not in roles:
            raise ValidationError({"roles": _("This person has a student profile.")})
        if access.ADVISOR not in roles and person.advisories.exists():
            raise ValidationError(
                {"roles": _("This person leads an advisory: give it to another advisor first.")}
            )
        _apply_roles(person, roles)
    _refuse_email_needed(person)
    _refuse_taken_email(person)
    if person.pk == by.pk and not person.is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    if not person.is_active and person.advisories.exists():
        raise ValidationError(
            {"is_active": _("This person leads an advisory: give it to another advisor first.")}
        )
    old_email = User.objects.filter(pk=person.pk).values_list("email", flat=True).first()
    if old_email and old_email != person.email:
        person.rotate_preferences_link()  # links in mail to the old address stop working
    person.full_clean()
    person.save()
    if old_email and old_email != person.email:
        told = reminders.email_changed(person, old_email=old_email, by=by)
        notifications.record(reminders.EMAIL_CHANGED, [told])
    elif not old_email and person.email:
        # A family reached by phone until now gives an address: their account starts here.
        notifications.record(reminders.ACCOUNT_INVITATION, [reminders.invitation(person, by=by)])
    return person


def preferences_update(*, user: User, **fields) -> User:
    """A person changes their own name and language."""
    for key in ("first_name", "last_name", "language"):
        if key in fields:
            setattr(user, key, fields[key].strip())
    user.full_clean()
    user.save(update_fields=["first_name", "last_name", "language"])
    return user


def school_update(*, school: School, by: User, **fields) -> School:
    """Change a school's name, time zone, kind of terms, usual advisory size, which staff
    must sign in with a second factor, or how long the record of access is kept."""
    require_admin_of(by, school.pk)
    for key in SCHOOL_FIELDS:
        if key in fields:
            setattr(school, key, fields[key])
    school.full_clean()
    school.save()
    return school


def school_year_create(*, school: School, by: User, name: str, start_date, end_date) -> SchoolYear:
    """Add a school year to a school."""
    require_admin_of(by, school.pk)
    year = SchoolYear(school=school, name=name.strip(), start_date=start_date, end_date=end_date)
    year.full_clean()
    year.save()
    transaction.on_commit(lambda: cache.delete(year_cache_key(school.pk)), robust=True)
    return year


def term_create(*, school_year: SchoolYear, by: User, name: str, start_date, end_date) -> Term:
    """Add a term (a quarter or a trimester) to a school year."""
    require_admin_of(by, school_year.school_id)
    term = Term(
        school_year=school_year, name=name.strip(), start_date=start_date, end_date=end_date
    )
    term.full_clean()
    term.save()
    transaction.on_commit(lambda: cache.delete(term_cache_key(school_year.school_id)), robust=True)
    return term


@transaction.atomic
def notification_preferences_update(
    *, user: User, choices: dict[str, str], quiet_hours_start, quiet_hours_end
) -> User:
    """A person chooses, per kind of message, how they hear of it, and their quiet hours."""
    for kind_key, delivery in choices.items():
        kind = KINDS.get(kind_key)
        if kind is None or kind.hidden or delivery not in Delivery.values:
            raise ValidationError(_("Unknown kind of message or choice."))
        if kind.safety_critical and delivery != Delivery.AT_ONCE:
            raise ValidationError({f"kind_{kind_key}": _("These messages cannot be held back.")})
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind_key, defaults={"delivery": delivery}
        )
    user.quiet_hours_start, user.quiet_hours_end = quiet_hours_start, quiet_hours_end
    user.rotate_preferences_link()  # a link to these choices opens them once
    user.save(update_fields=["quiet_hours_start", "quiet_hours_end", "preferences_nonce"])
    return user


@transaction.atomic
def reminder_settings_update(
    *, school: School, by: User, settings: dict[str, tuple[bool, int | None]]
) -> School:
    """An admin switches a school's reminders on or off and tunes their days."""
    require_admin_of(by, school.pk)
    for key, (enabled, days) in settings.items():
        rule = RULES.get(key)
        if rule is None:
            raise ValidationError(_("Unknown reminder."))
        if rule.safety_critical and not enabled:
            raise ValidationError(_("This message cannot be switched off."))
        if days is not None and not 0 <= days <= rule.max_days:
            raise ValidationError(
                {f"{key}__days": _("Enter a number from 0 to %(max)s.") % {"max": rule.max_days}}
            )
        ReminderSetting.objects.update_or_create(
            school=school, rule=key, defaults={"enabled": enabled, "days": days}
        )
    return school
