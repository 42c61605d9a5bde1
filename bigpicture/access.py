"""The one access policy.

Who may see what is decided here, and only here. Every model a person can reach has a
queryset method ``visible_to(user)`` (and ``editable_by(user)`` where editing differs) that
is built from these helpers; views fetch objects only through those querysets, so a row
outside a person's reach is a 404, never a leak. Views declare which roles may open them
with ``RoleRequiredMixin.allowed_roles``; anyone else gets a 403.

- A network admin (a superuser running the whole deployment) sees every school.
- An admin sees everything in their own school.
- An advisor sees the students currently in their advisories and those students' guardians.
- A student sees themself.
- A guardian sees their own children.
- A mentor sees only the internships they mentor (``internships.models.placements``).
- Nobody sees across schools.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

ADMIN, ADVISOR, STUDENT, GUARDIAN, MENTOR = "admin", "advisor", "student", "guardian", "mentor"
ALL_ROLES = frozenset({ADMIN, ADVISOR, STUDENT, GUARDIAN, MENTOR})
STAFF_ROLES = frozenset({ADMIN, ADVISOR})

ROLE_FIELDS = {
    ADMIN: "is_school_admin",
    ADVISOR: "is_advisor",
    STUDENT: "is_student",
    GUARDIAN: "is_guardian",
    MENTOR: "is_mentor",
}


def is_network_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def roles_of(user) -> set[str]:
    """The roles a person holds; a network admin acts as an admin everywhere."""
    if not user.is_authenticated:
        return set()
    roles = {role for role, field in ROLE_FIELDS.items() if getattr(user, field)}
    if user.is_superuser:
        roles.add(ADMIN)
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def require_admin_of(user, school_id: int) -> None:
    """Services' re-check: only the school's admins (or a network admin) may go on."""
    if is_network_admin(user):
        return
    if not (has_role(user, ADMIN) and user.is_active and user.school_id == school_id):
        raise PermissionDenied


def in_school(user) -> Q:
    """Rows of the person's own school, by a ``school`` field."""
    return Q(school_id=user.school_id)


def student_filter(user) -> Q:
    """The students a person may see, as a filter on Student (no joins, so no duplicates)."""
    from students.models import GuardianLink

    if is_network_admin(user):
        return Q()
    if not user.is_authenticated or user.school_id is None:
        return Q(pk__in=[])
    roles = roles_of(user)
    if ADMIN in roles:
        return Q(school_id=user.school_id)
    reach = Q(pk__in=[])
    if ADVISOR in roles:
        reach |= Q(pk__in=advised_student_ids(user))
    if STUDENT in roles:
        reach |= Q(user_id=user.pk)
    if GUARDIAN in roles:
        children = GuardianLink.objects.filter(guardian_id=user.pk).values("student_id")
        reach |= Q(pk__in=children)
    return reach & Q(school_id=user.school_id)


def student_ids_visible_to(user):
    """Ids of the student profiles a person may see (a subquery, never a list)."""
    from students.models import Student

    return Student.objects.filter(student_filter(user)).values("pk")


def staff_student_filter(user) -> Q:
    """The students whose learning a person runs, as a filter on Student: an advisor their
    advisory's students, an admin their whole school."""
    if is_network_admin(user):
        return Q()
    if not user.is_authenticated or user.school_id is None:
        return Q(pk__in=[])
    roles = roles_of(user)
    reach = Q(pk__in=[])
    if ADMIN in roles:
        reach |= Q(school_id=user.school_id)
    if ADVISOR in roles:
        reach |= Q(pk__in=advised_student_ids(user))
    return reach & Q(school_id=user.school_id)


def student_ids_led_by(user):
    """Ids of the students whose plans, meetings and assessments a person runs."""
    from students.models import Student

    return Student.objects.filter(staff_student_filter(user)).values("pk")


def leads(user, student) -> bool:
    """Whether a person runs a student's learning and internships: their advisor, an admin."""
    from students.models import Student

    return Student.objects.filter(pk=student.pk, pk__in=student_ids_led_by(user)).exists()


def advised_student_ids(user):
    """Ids of the students currently in the advisories a person leads."""
    from advisories.models import Membership

    return Membership.objects.current().filter(advisory__advisor_id=user.pk).values("student_id")


def people_visible_to(queryset, user):
    """People a person may see: themself, plus whom their roles reach in their school."""
    from students.models import GuardianLink

    if is_network_admin(user):
        return queryset
    if not user.is_authenticated or user.school_id is None:
        return queryset.none()
    roles = roles_of(user)
    if ADMIN in roles:
        return queryset.filter(school_id=user.school_id)
    students = student_ids_visible_to(user)
    reach = Q(pk=user.pk) | Q(student_profile__in=students)
    if ADVISOR in roles:
        guardians = GuardianLink.objects.filter(student__in=students).values("guardian_id")
        reach |= Q(pk__in=guardians)
    return queryset.filter(reach, school_id=user.school_id)


class RoleRequiredMixin:
    """Let in only signed-in people who hold one of ``allowed_roles``; others get a 403.

    Which *rows* they see is still decided by the querysets' ``visible_to``.
    """

    allowed_roles: frozenset[str] | set[str] = frozenset()
    # Pages that work inside "my school" (creating people, advisories, students): a
    # network admin who belongs to no school manages schools from the back office instead.
    requires_own_school = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not self.allowed_roles:
            raise PermissionDenied  # a view that forgot to say who may open it is closed
        if not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        if self.requires_own_school and request.user.school_id is None:
            from django.http import Http404

            raise Http404("This page works inside one school.")
        return super().dispatch(request, *args, **kwargs)
