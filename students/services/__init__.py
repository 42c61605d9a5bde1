"""The students app's services, one module per area: profiles and families (profile), learning
plans (plans), plan meetings (meetings), narratives and exhibitions (assessment)."""

from students.services.profile import (  # noqa: F401
    LINK_FIELDS,
    PROFILE_FIELDS,
    guardian_link,
    guardian_link_update,
    guardian_unlink,
    student_create,
    student_move,
    student_profile_update,
)
