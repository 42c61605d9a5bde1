"""Access matrix cases for the roster pages: a school's admins, on their own school's jobs."""

from bigpicture.models import Job
from tests.bigpicture.matrix import ADMINS, ADMINS_OF_ROW, expect


def _check(world) -> dict:
    job = Job.objects.create(
        kind=Job.Kind.ROSTER_CHECK,
        school=world.school,
        created_by=world.admin,
        status=Job.Status.DONE,
        file_name="roster.zip",
    )
    return {"pk": job.pk}


CASES = [
    ("students:roster", None, ADMINS),
    ("students:roster-template", None, ADMINS),
    ("students:roster-export", None, ADMINS),
    ("students:roster-report", _check, ADMINS_OF_ROW),
    ("students:roster-errors", _check, ADMINS_OF_ROW),
    ("students:roster-import", _check, expect(admin=405, admin2=405)),  # POST only
]
