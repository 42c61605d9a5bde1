"""Settings of the beats that tests/bigpicture/test_beat.py starts: the tests' settings, with
tasks published rather than run in-process, and one entry every second sending a task to a
queue nobody reads, where the test counts what was sent."""

from tests.settings import *  # noqa: F403

BEAT_TEST_QUEUE = "beat-test"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    "every-second": {
        "task": "bigpicture.tasks.sweep_outbox",
        "schedule": 1.0,
        "options": {"queue": BEAT_TEST_QUEUE},
    },
}
