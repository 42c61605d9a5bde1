"""The notification machinery: rules, the outbox, delivery, rendering, digests and
preferences. The outbox: writing reminders once, and delivering each exactly once.

Writing: a rule's drafts become ``Notification`` rows with a unique key per (rule,
subject, recipient, occasion), in the same transaction as their cause or by the periodic
scan. A second write of the same key is ignored, so reruns never duplicate.

Delivering: a row is *claimed* (pending -> sending) by one committed UPDATE before the
email leaves, and marked sent right after the SMTP server accepts it. Two workers can
never both claim a row; a redelivered or repeated task finds it no longer pending. A worker
that dies while holding a claim leaves the row "sending"; after a lease the sweep puts it
back to pending. Transient SMTP errors reschedule the row with a growing back-off; an
address the server refuses, or one that cannot be written on an envelope at all, fails at
once with the reason. Whatever goes wrong with one message happens to that message alone,
and every claim counts as an attempt: after ``MAX_ATTEMPTS`` the row fails, on every path.
A row is queued once per lease; if the broker cannot take it, the sweep queues it later.
"""

from bigpicture.notifications.delivery import (
    MAX_ATTEMPTS,
    SMTP_EXCHANGES,
    deliver,
    enqueue_due,
    lease,
    status_counts,
    sweep,
)
from bigpicture.notifications.digests import DIGEST_HOUR, write_digests
from bigpicture.notifications.preferences import (
    PREFERENCES_SALT,
    after_quiet_hours,
    delivery_for,
    preferences_token,
    school_settings,
    user_from_preferences_token,
)
from bigpicture.notifications.rendering import render_email, site_url, subject_of
from bigpicture.notifications.rules import KINDS, RULES, Draft, NothingToSend, Rule, register
from bigpicture.notifications.seen import last_visit
from bigpicture.notifications.writing import mark_read, record, resolve, scan

__all__ = [
    "DIGEST_HOUR",
    "KINDS",
    "MAX_ATTEMPTS",
    "PREFERENCES_SALT",
    "RULES",
    "SMTP_EXCHANGES",
    "Draft",
    "NothingToSend",
    "Rule",
    "after_quiet_hours",
    "deliver",
    "delivery_for",
    "enqueue_due",
    "last_visit",
    "lease",
    "mark_read",
    "preferences_token",
    "record",
    "register",
    "render_email",
    "resolve",
    "scan",
    "school_settings",
    "site_url",
    "status_counts",
    "subject_of",
    "sweep",
    "user_from_preferences_token",
    "write_digests",
]
