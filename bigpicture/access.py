"""The roles: who holds which, the named sets of them, the role gate for views and the
admin re-check for services.

Reach lives with the data: every model a person can reach has a queryset method
``visible_to(user)`` (and ``editable_by(user)`` where editing differs) in the app that owns
it, built from these helpers (``Student.objects.visible_to`` and ``led_by`` in students,
``Placement.objects.visible_to`` in internships, ...); views fetch objects only through those
querysets, so a row outside a person's reach is a 404, never a leak. Views declare which
roles may open them with ``RoleRequiredMixin.allowed_roles``; anyone else gets a 403.

- A network admin (a superuser running the whole deployment) sees every school.
- An admin sees everything in their own school.
- An advisor sees the students currently in their advisories and those students' guardians.
- A student sees themself.
- A guardian sees their own children.
- A mentor sees only the internships they mentor (``internships.models.placements``).
- Nobody sees across schools.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

ADMIN, ADVISOR, STUDENT, GUARDIAN, MENTOR = "admin", "advisor", "student", "guardian", "mentor"
ALL_ROLES = frozenset({ADMIN, ADVISOR, STUDENT, GUARDIAN, MENTOR})

# The role sets views and services name, each defined once with one meaning everywhere.
STAFF = frozenset({ADMIN, ADVISOR})  # a school's staff: who runs students' learning
STUDENT_AND_STAFF = STAFF | {STUDENT}  # who works on a student's plan, narrative, internship
LEARNING_TEAM = STUDENT_AND_STAFF | {GUARDIAN}  # who follows a student's learning
INTERNSHIP_TEAM = LEARNING_TEAM | {MENTOR}  # ... with the student's mentor at a workplace
STAFF_AND_MENTORS = STAFF | {MENTOR}  # the two sides of an internship's conversation

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
            # Imported here: the auth views read the user model when imported, and the models
            # import this module (for the roles) while the user model is being loaded.
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not self.allowed_roles:
            raise PermissionDenied  # a view that forgot to say who may open it is closed
        if not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        if self.requires_own_school and request.user.school_id is None:
            raise Http404("This page works inside one school.")
        return super().dispatch(request, *args, **kwargs)
