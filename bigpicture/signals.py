"""Keep the cached signed-in person (``backends.EmailBackend.get_user``) true to the database.

Whatever saves or deletes a person, their student profile or their school (a service, the
back office, a password reset, the sign-in's last-login stamp) drops what was cached.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bigpicture.backends import forget_user
from bigpicture.models import School, User
from bigpicture.selectors import school_changed
from students.models import Student


@receiver([post_save, post_delete], sender=User, dispatch_uid="forget-cached-user")
def person_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


@receiver([post_save, post_delete], sender=Student, dispatch_uid="forget-cached-student-user")
def student_profile_changed(sender, instance, **kwargs) -> None:
    forget_user(instance.user_id)


@receiver(post_save, sender=School, dispatch_uid="school-saved")
def school_saved(sender, instance, **kwargs) -> None:
    # Every cached person of the school holds a copy of it: a new version retires them all.
    school_changed(instance.pk)
