"""How OneRoster's words map to this school's: roles, relationships, made-up sourcedIds."""

from students.models import GuardianLink, RosterKey

K = RosterKey.Kind
GUARDIAN_ROLES = {"guardian", "parent", "relative"}
PERSON_KIND = {"student": "students", "teacher": "advisors"} | dict.fromkeys(
    GUARDIAN_ROLES, "guardians"
)
R = GuardianLink.Relationship
# OneRoster's three family roles and ours: the export writes the role of a relationship, and
# an import leaves a relationship alone while the file's role is the one it would be written as.
ROLE_OF_RELATIONSHIP = {
    R.MOTHER: "parent",
    R.FATHER: "parent",
    R.PARENT: "parent",
    R.STEPPARENT: "parent",
    R.FOSTER: "parent",
    R.GUARDIAN: "guardian",
    R.GRANDPARENT: "relative",
    R.AUNT_UNCLE: "relative",
    R.SIBLING: "relative",
    R.OTHER: "relative",
}
RELATIONSHIP_OF_ROLE = {"parent": R.PARENT, "guardian": R.GUARDIAN, "relative": R.OTHER}


def local(sid: str) -> bool:
    """A sourcedId the plain CSV makes up for a row (``#...``): matched by name, never kept."""
    return sid.startswith("#")
