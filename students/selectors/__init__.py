"""The students app's selectors, one module per area: profiles and families (profile), learning
plans (plans), plan meetings (meetings), narratives and exhibitions (assessment)."""

from students.selectors.profile import (  # noqa: F401
    children_of,
    own_profile,
    profile_in_reach,
    student_detail,
    student_list,
    with_levels_and_advisory,
)
