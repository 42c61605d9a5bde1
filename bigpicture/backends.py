"""Authentication backend that loads a person's school and student profile with them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Sign in by email, case-insensitively; load the school with the person."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        """The signed-in person with their school and student profile, in one query."""
        user = self._read(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _read(self, user_id):
        people = get_user_model()._default_manager.select_related("school", "student_profile")
        try:
            return people.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None


def axes_username(request, credentials) -> str:
    """The account a sign-in attempt is for, as django-axes counts it: the email, lower-cased.

    Whichever form posted it (our sign-in page or the back office) and whatever its case,
    attempts at one account from one address count together.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("username", "")
    return (value or "").strip().lower()
