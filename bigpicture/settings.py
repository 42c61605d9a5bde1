"""Settings for the Big Picture school platform, read from the environment.

Nothing set: a local development setup (SQLite file, Celery tasks run in-process, mail
printed to the console). ``BIGPICTURE_ENV=production`` turns debug off and requires the
secret key and allowed hosts, failing loudly when they are missing.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("BIGPICTURE_ENV", default="development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("BIGPICTURE_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    DEBUG = env.bool("DJANGO_DEBUG", default=False)
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: fails loudly when missing
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS in production.")
else:
    DEBUG = env.bool("DJANGO_DEBUG", default=True)
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY",
        default="insecure-local-development-key-never-used-in-production-0123456789",
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The back office (Django admin), open only after a verified second factor.
    "bigpicture.twofactor.apps.BackOfficeConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "phonenumber_field",
    "bigpicture",
    "advisories",
    "students",
    "internships",
    "expectations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The request's id (X-Request-ID) on every log line, and the JSON line per request.
    "bigpicture.logs.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every page of a signed-in person.
    "bigpicture.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "bigpicture.twofactor.middleware.SecondFactorMiddleware",
    "bigpicture.middleware.PersonalPreferencesMiddleware",
    # The record of access: the rows a request noted, written in one INSERT after the view.
    "bigpicture.records.AccessRecordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bigpicture.urls"
WSGI_APPLICATION = "bigpicture.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                # the count of what waits for the person, in the navigation
                "bigpicture.pages.waiting.nav_waiting",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True

# The record of access (who viewed, changed or exported a student's records). On unless
# switched off; the benchmark switches it off to measure what it costs.
ACCESS_RECORD = env.bool("ACCESS_RECORD", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database server that does not answer is given up on in seconds, not minutes (the
    # readiness check, a page): libpq's connect_timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
# Behind a transaction-mode pooler (PgBouncer pool_mode = transaction) each transaction may
# run on another server connection: no server-side cursors (a cursor lives in one session),
# and the app keeps nothing in the session between transactions (only SET LOCAL).
DATABASE_POOLED = env.bool("DATABASE_POOLED", default=False)
if DATABASE_POOLED:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by the web processes in production (Redis); local memory otherwise.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].startswith("django_redis."):
    # Redis down or hung: pages still answer. A cache that fails is a cache that misses
    # (sessions are read from the database behind it; the limits on emailed links refuse
    # until it is back), each attempt given up on within half a second, and logged.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        IGNORE_EXCEPTIONS=True, SOCKET_CONNECT_TIMEOUT=0.5, SOCKET_TIMEOUT=0.5
    )
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions read from the cache and written through to the database, so a restart or a cache
# flush never signs anyone out, and most requests skip the session query; the cached copy
# lives five minutes at most (bigpicture/sessions.py: a sign-out while Redis was unreachable
# does not come back with it).
SESSION_ENGINE = "bigpicture.sessions"

AUTH_USER_MODEL = "bigpicture.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "bigpicture.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "bigpicture:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# The number of reverse proxies in front of the app, each appending to X-Forwarded-For: the
# client's address is the entry the farthest one wrote (bigpicture.throttle.client_ip). 0: no
# proxy, the header is ignored (a client could write anything in it).
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# Repeated failed logins lock out the pair (account, address): a whole school often shares
# one public address, so locking the address alone at that count would lock everybody out.
# An address failing at many accounts (password spraying) is paused at a higher count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "bigpicture.throttle.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "bigpicture.throttle.client_ip"
AXES_USERNAME_CALLABLE = "bigpicture.backends.axes_username"
# Failures are cleared once a sign-in is complete, after the code where one is asked
# (bigpicture.throttle.forget_failures), not on the password alone.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Requests that send email (a password link, a mentor's sign-in link), per client address,
# counted by django-ratelimit in the cache. Only a cache every web process shares (Redis)
# counts across processes: with local memory each process counts on its own.
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="20/h")
RATELIMIT_IP_META_KEY = "bigpicture.throttle.client_ip"

# Second factor (time-based one-time codes, django-otp). Which school staff must use one is a
# school setting; people who run the whole deployment always do, unless this says otherwise.
SECOND_FACTOR_FOR_NETWORK_ADMINS = env.bool("SECOND_FACTOR_FOR_NETWORK_ADMINS", default=True)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Big Picture school")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# One date format per language, whichever named format a page asks for (bigpicture/formats/).
FORMAT_MODULE_PATH = ["bigpicture.formats"]
# Phone numbers typed without a country code are read as this country's (ISO 3166 code).
PHONENUMBER_DEFAULT_REGION = env.str("PHONE_REGION", default="US")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Private files (evidence, roster uploads, portfolio zips): on disk under MEDIA_ROOT, with
    # no public URL, unless FILES_BUCKET puts them in a bucket (below). Files are served
    # only by a view that checks the access policy (bigpicture/ranges.py streams them).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.path.join(str(MEDIA_ROOT), "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Object storage for the private files, for several web servers (issue 18): an S3-compatible
# bucket (AWS S3, MinIO, Ceph RGW) through django-storages, switched on by FILES_BUCKET.
# The bucket stays private: no ACL is set on objects (the bucket's own, private, applies), no
# public URL is ever made (files stream through the app after the access check), an upload
# never overwrites an object. ``manage.py move_files_to_bucket`` copies the files on disk.
#   FILES_BUCKET        the bucket's name; unset: files stay on this machine's disk
#   FILES_ENDPOINT_URL  the store's address for MinIO, Ceph RGW or moto
#                       (e.g. https://minio.example.org); unset: AWS S3
#   FILES_REGION        the bucket's region (e.g. eu-west-1); unset: boto3's default
#   FILES_PREFIX        a folder inside the bucket for this deployment's files (optional)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY  the credentials, read by boto3 (or an
#                       instance role / AWS_PROFILE, boto3's usual chain)
FILES_BUCKET = env.str("FILES_BUCKET", default="")
if FILES_BUCKET:
    from botocore.config import Config as S3Config

    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": FILES_BUCKET,
            "endpoint_url": env.str("FILES_ENDPOINT_URL", default="") or None,
            "region_name": env.str("FILES_REGION", default="") or None,
            "location": env.str("FILES_PREFIX", default="").strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "custom_domain": None,
            # A store that is down answers within seconds: short timeouts, one retry.
            "client_config": S3Config(
                connect_timeout=3,
                read_timeout=20,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }
# Uploads: a file past 2.5 MB is written to a temporary file as it arrives, a chunk at a
# time, never held in memory. Each school sets the largest evidence file it takes
# (School.evidence_limit_mb), enforced while the upload arrives (bigpicture/uploads.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Mentors' one-time sign-in links: how long one works, in minutes.
MENTOR_LINK_MINUTES = env.int("MENTOR_LINK_MINUTES", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Big Picture <school@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach the app at, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
EMAIL_MESSAGE_DOMAIN = env.str("EMAIL_MESSAGE_DOMAIN", default="bigpicture.local")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: with no broker configured, tasks run in-process so the demo needs no service.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A message a worker took and never acknowledged (the worker died mid-task) goes back to its
# queue once it has been out this long: keep it longer than the longest task, or a task still
# running would be handed to a second worker. Workers look for such messages every
# CELERY_RESTORE_INTERVAL seconds.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
# Publishing does not retry a broker that is down (a web request would wait on it): the
# outbox sweep queues what could not be queued, once the broker is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,  # each sweep looks (kombu's default: every tenth)
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_DB_REUSE_MAX = 200  # keep a worker's database connection across tasks
CELERY_TIMEZONE = "UTC"
# Beat sends each periodic task once per tick even when a second beat runs by mistake (a lock
# in the broker's Redis per entry and tick, bigpicture/beat.py). Its schedule file keeps when
# each entry last ran across restarts; a second beat on the same machine finding the file in
# use keeps its own beside it.
CELERY_BEAT_SCHEDULER = "bigpicture.beat.LockedScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default="celerybeat-schedule"
)
# Every periodic job, in one place. The scan and the digests are idempotent (outbox keys),
# so running them often only makes them prompt.
CELERY_BEAT_SCHEDULE = {
    "scan-reminders": {"task": "bigpicture.tasks.scan_reminders", "schedule": 60 * 60},
    "write-daily-digests": {"task": "bigpicture.tasks.write_daily_digests", "schedule": 60 * 30},
    "sweep-outbox": {"task": "bigpicture.tasks.sweep_outbox", "schedule": 60},
    # The record of access: rows past each school's retention period leave once a day.
    "purge-access-records": {
        "task": "bigpicture.tasks.purge_access_records",
        "schedule": 60 * 60 * 24,
    },
    # Stored files whose upload never committed (bigpicture/storage.py), once a day.
    "sweep-orphan-files": {
        "task": "bigpicture.tasks.sweep_orphan_files",
        "schedule": 60 * 60 * 24,
    },
    # The early warning: every school's statuses, four times a day.
    "compute-engagement": {
        "task": "expectations.tasks.compute_engagement",
        "schedule": 60 * 60 * 6,
    },
}

# Content-Security-Policy: everything comes from this server; no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A load balancer checks the health endpoints over plain HTTP from inside the network: they
# are never redirected to HTTPS (bigpicture/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: plain lines for a person at a terminal (the demo), or, with LOG_FORMAT=json, one JSON
# object per line on stdout for a log pipeline, with one line per request (route name, status,
# duration, the person's and school's ids; bigpicture/logs.py). Every line carries the id of
# the request (or task) it belongs to, also sent back as the X-Request-ID header.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "bigpicture.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"]}
        | ({"formatter": "json", "stream": "ext://sys.stdout"} if LOG_FORMAT == "json" else {})
    },
    "filters": {
        # A refused request (403, 400) is one line, not a traceback: an answer, not a fault.
        "one_line_refusals": {"()": "bigpicture.middleware.OneLineRefusals"},
        "request_id": {"()": "bigpicture.logs.RequestIdFilter"},
        "routes_not_paths": {"()": "bigpicture.logs.RoutesNotPaths"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint tells each step of every PDF it makes at INFO.
        "weasyprint": {"level": "WARNING"},
        # JSON logs: a 4xx is in the request's line already, without the path (which may hold
        # a link's token); Django's own line about it would only repeat the path.
        "django.request": {
            "filters": ["one_line_refusals"]
            + (["routes_not_paths"] if LOG_FORMAT == "json" else []),
            "level": "ERROR" if LOG_FORMAT == "json" else "NOTSET",
        },
        # The line per request: the JSON logs' own (runserver and gunicorn print theirs).
        "bigpicture.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
# A worker logs through the configuration above when its lines are JSON (Celery would
# otherwise replace the root logger's handlers with its own plain format).
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="back-office/")
# Files served at the site root (favicon.ico), by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
