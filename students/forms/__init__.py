"""The students app's forms, one module per area: profiles and families (profile), learning
plans (plans), plan meetings (meetings), narratives and exhibitions (assessment)."""

from students.forms.profile import (  # noqa: F401
    GuardianLinkForm,
    GuardianLinkUpdateForm,
    StudentCreateForm,
    StudentProfileForm,
)
