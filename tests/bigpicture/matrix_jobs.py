"""Access matrix cases for the pages of background jobs: the person who asked and the admins
of the job's school; anyone else signed in gets a 404."""

from django.core.files.base import ContentFile

from bigpicture.models import Job
from tests.bigpicture.matrix import expect

ASKER_AND_ADMINS = expect(default=404, admin=200, advisor=200)
ADMINS_ONLY = expect(default=404, admin=200)


def _job(world, *, by, kind=Job.Kind.PORTFOLIOS, with_file=False) -> dict:
    job = Job.objects.create(
        kind=kind,
        school=world.school,
        created_by=by,
        status=Job.Status.DONE,
        total=1,
        done=1,
        params={"students": [world.student.pk]},  # a batch of portfolios names its students
    )
    if with_file:
        job.file_name = "portfolios.zip"
        job.file.save("portfolios.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    return {"pk": job.pk}


CASES = [
    # an advisor's batch of portfolios: the advisor and the school's admins
    ("bigpicture:job-detail", lambda w: _job(w, by=w.advisor), ASKER_AND_ADMINS),
    ("bigpicture:job-status", lambda w: _job(w, by=w.advisor), ASKER_AND_ADMINS),
    ("bigpicture:job-file", lambda w: _job(w, by=w.advisor, with_file=True), ASKER_AND_ADMINS),
    # an admin's roster check: no advisor sees it
    (
        "bigpicture:job-detail",
        lambda w: _job(w, by=w.admin, kind=Job.Kind.ROSTER_CHECK),
        ADMINS_ONLY,
    ),
    # a roster's file is what the job read, not what it made: no download here
    (
        "bigpicture:job-file",
        lambda w: _job(w, by=w.admin, kind=Job.Kind.ROSTER_CHECK, with_file=True),
        expect(default=404),
    ),
]
