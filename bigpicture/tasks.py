"""Thin Celery tasks over the outbox: each takes ids or nothing and calls one service."""

from celery import shared_task

from bigpicture import notifications, records, storage


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_notifications(ids: list[int]) -> dict:
    """Deliver these outbox rows if they are still due (safe to run twice)."""
    return notifications.deliver(ids)


@shared_task(ignore_result=True)
def scan_reminders() -> int:
    """Run every school's periodic reminder rules, then queue what is due."""
    written = notifications.scan()
    notifications.sweep()
    return written


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Queue every due row again, and release claims of workers that died."""
    return notifications.sweep()


@shared_task(ignore_result=True)
def write_daily_digests() -> int:
    """Bundle held-back messages into each person's daily email."""
    return notifications.write_digests()


@shared_task(ignore_result=True)
def purge_access_records() -> int:
    """Remove rows of the record of access past each school's retention period."""
    return records.purge()


@shared_task(ignore_result=True)
def sweep_orphan_files() -> int:
    """Remove stored files no row points to, a day old or more (uploads rolled back)."""
    return storage.sweep_orphans()
