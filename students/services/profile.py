"""Writes for students and their families."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advisories.models import Advisory, Membership
from advisories.services import student_place
from bigpicture.access import require_admin_of
from bigpicture.models import EMAIL_UNAVAILABLE, School, User
from bigpicture.records import Area, records_change, through
from bigpicture.services import person_create
from students.models import GuardianLink, MeetingInvite, Panelist, Student
from students.services.handover import learning_team_hand_over

PROFILE_FIELDS = (
    "preferred_name",
    "interests",
    "talents",
    "needs",
    "learning_style",
    "motivation",
)
LINK_FIELDS = ("relationship", "is_primary_contact", "lives_with_student", "receives_reminders")


@records_change(Area.PROFILE, student=lambda student, kwargs: student)
@transaction.atomic
def student_create(
    *,
    school: School,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    graduating_class: int,
    language: str = "en",
    advisory: Advisory | None = None,
    start_date: date | None = None,
    override_capacity: bool = False,
    reason: str = "",
    place_anyway: bool = False,
) -> Student:
    """Enroll a student: their account, their profile and, if given, their advisory (placed
    by the same rules as a move: a full one with an override and a reason, one of another
    graduating class when the admin confirms it)."""
    user = person_create(
        school=school,
        by=by,
        email=email,
        first_name=first_name,
        last_name=last_name,
        roles={"student"},
        language=language,
    )
    student = Student(user=user, school=school, graduating_class=graduating_class)
    student.full_clean()
    student.save()
    if advisory is not None:
        student_place(
            student=student,
            advisory=advisory,
            start_date=start_date or school.today(),
            by=by,
            override_capacity=override_capacity,
            reason=reason,
            place_anyway=place_anyway,
        )
    return student


@transaction.atomic
def student_move(
    *,
    student: Student,
    advisory: Advisory,
    start_date: date,
    by: User,
    override_capacity: bool = False,
    reason: str = "",
    place_anyway: bool = False,
) -> Membership:
    """Move a student to another advisory; their meetings and panels still to come pass to
    the new advisor, and the former one no longer reaches the student."""
    membership = student_place(
        student=student,
        advisory=advisory,
        start_date=start_date,
        by=by,
        override_capacity=override_capacity,
        reason=reason,
        place_anyway=place_anyway,
    )
    learning_team_hand_over(
        student=student, to=advisory.advisor, by=by, occasion=f"move-{membership.pk}"
    )
    return membership


@records_change(Area.PROFILE, student=through("student"))
def student_profile_update(*, student: Student, by: User, **fields) -> Student:
    """Change the student's own profile: interests, talents, needs, how they learn best."""
    if not Student.objects.editable_by(by).filter(pk=student.pk).exists():
        raise PermissionDenied
    for key in PROFILE_FIELDS:
        if key in fields:
            setattr(student, key, fields[key].strip())
    student.full_clean()
    student.save()
    return student


@records_change(Area.PROFILE, student=through("student"))
@transaction.atomic
def guardian_link(
    *,
    student: Student,
    by: User,
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    **link_fields,
) -> GuardianLink:
    """Link a parent or guardian to a student, creating their account if it is new: found by
    their email address, or without one by their phone (and name, when given)."""
    require_admin_of(by, student.school_id)
    email, phone = (email or "").strip().lower(), phone or ""
    if not email and not phone:
        raise ValidationError(
            {"email": _("Enter an email address or a phone number, so the school can reach them.")}
        )
    field = "email" if email else "phone"
    guardian = _known_guardian(student, email, phone, first_name, last_name)
    if guardian is None:
        if not first_name.strip() or not last_name.strip():
            raise ValidationError(
                {"first_name": _("Enter the name of a guardian who is new to the school.")}
            )
        guardian = person_create(
            school=student.school,
            by=by,
            email=email or None,
            phone=phone,
            first_name=first_name,
            last_name=last_name,
            roles={"guardian"},
            language=language,
        )
    elif guardian.school_id != student.school_id:
        # Said no more precisely: an admin learns nothing of who has an account elsewhere.
        raise ValidationError({"email": EMAIL_UNAVAILABLE})
    elif guardian.pk == student.user_id:
        raise ValidationError({field: _("A student cannot be their own guardian.")})
    elif guardian.is_student or hasattr(guardian, "student_profile"):
        raise ValidationError(
            {field: _("This address belongs to a student: a guardian is a parent or carer.")}
        )
    else:
        changed = []
        if not guardian.is_guardian:
            guardian.is_guardian = True
            changed.append("is_guardian")
        if phone and not guardian.phone:
            guardian.phone = phone  # the school now knows how to call them
            changed.append("phone")
        if changed:
            guardian.save(update_fields=changed)
    if GuardianLink.objects.filter(student=student, guardian=guardian).exists():
        raise ValidationError({field: _("This guardian is already linked to this student.")})
    link = GuardianLink(student=student, guardian=guardian)
    return _save_link(link, link_fields)


def _known_guardian(
    student: Student, email: str, phone: str, first_name: str, last_name: str
) -> User | None:
    """The person the school already knows by this email address; without one, the one
    guardian of the school with this phone (and this name, when given), if there is one."""
    if email:
        return User.objects.filter(email=email).first()
    found = User.objects.filter(school_id=student.school_id, phone=phone, is_guardian=True)
    if first_name.strip() and last_name.strip():
        found = found.filter(
            first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip()
        )
    found = list(found[:2])
    # Two people sharing a home phone are told apart by name: a new guardian otherwise.
    return found[0] if len(found) == 1 else None


@records_change(Area.PROFILE, student=through("link", "student"))
@transaction.atomic
def guardian_link_update(
    *, link: GuardianLink, by: User, phone: str | None = None, **link_fields
) -> GuardianLink:
    """Change how a guardian relates to a student, how the school reaches them, and the
    phone it calls them on."""
    if not GuardianLink.objects.editable_by(by).filter(pk=link.pk).exists():
        raise PermissionDenied
    guardian = link.guardian
    if phone is not None and phone != guardian.phone:
        if not phone and not guardian.email:
            raise ValidationError(
                {
                    "phone": _(
                        "This guardian has no email address: keep a phone number to reach them."
                    )
                }
            )
        guardian.phone = phone
        guardian.full_clean(exclude=["password"])
        guardian.save(update_fields=["phone"])
    return _save_link(link, link_fields)


@records_change(Area.PROFILE, student=through("link", "student"))
@transaction.atomic
def guardian_unlink(*, link: GuardianLink, by: User) -> None:
    """Remove a guardian from a student; the guardian's account stays.

    Their invitations to the student's meetings still to come, and their seats on panels of
    exhibitions still to come, go with the link.
    """
    if not GuardianLink.objects.editable_by(by).filter(pk=link.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    MeetingInvite.objects.filter(
        person_id=link.guardian_id,
        meeting__student_id=link.student_id,
        meeting__starts_at__gt=now,
    ).delete()
    Panelist.objects.filter(
        person_id=link.guardian_id,
        exhibition__student_id=link.student_id,
        exhibition__starts_at__gt=now,
        feedback__isnull=True,
    ).delete()
    link.delete()


def _save_link(link: GuardianLink, fields: dict) -> GuardianLink:
    for key in LINK_FIELDS:
        if key in fields:
            setattr(link, key, fields[key])
    if link.is_primary_contact:
        # One primary contact per student: choosing a new one hands the role over.
        GuardianLink.objects.filter(student_id=link.student_id, is_primary_contact=True).exclude(
            pk=link.pk
        ).update(is_primary_contact=False)
    link.full_clean()
    link.save()
    return link
