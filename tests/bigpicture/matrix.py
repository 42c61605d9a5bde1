"""The access matrix's vocabulary: roles and the expected status of each, per case."""

from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages

ROLES = ["anonymous", "admin", "advisor", "student", "guardian", "mentor", "admin2"]
ANON = 302


def expect(default=403, anonymous=ANON, **by_role):
    statuses = dict.fromkeys(ROLES, default)
    statuses["anonymous"] = anonymous
    statuses.update(by_role)
    return statuses


EVERYONE = expect(default=200)
PUBLIC = expect(default=200, anonymous=200)
ADMINS_OF_ROW = expect(admin=200, admin2=404)  # another school's admin: out of reach
ADMINS = expect(admin=200, admin2=200)  # their own school, whatever it is
NOWHERE = expect(default=404, anonymous=404)
# The network admin's pages (a superuser of no school: tests of their own sign them in):
# every school role, a school's admins too, is refused.
NETWORK_ONLY = expect()


def store_folder_made(world):
    """/readyz asks that the private files' folder exist, as a deployment makes it before its
    servers start (a missing one is a volume not mounted): made here; the URL takes no
    arguments."""
    storage = storages["private"]
    if isinstance(storage, FileSystemStorage):
        Path(storage.location).mkdir(parents=True, exist_ok=True)
