"""Settings of SLA Portal, read from the environment through django-environ.

Every variable is documented in README.md and .env.example. With no variable set the
portal runs embedded: SQLite and a filesystem Celery broker under ``var/``, console
e-mail, debug on. ``DJANGO_DEBUG=false`` is production mode: ``SECRET_KEY`` and
``ALLOWED_HOSTS`` are then required and the security settings pass
``manage.py check --deploy``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# Files of the embedded run (SQLite, keys, the local broker, static files); created only
# in development (DJANGO_DEBUG on) — production settings create nothing as they load.
VAR_DIR = Path(env.str("VAR_DIR", default="") or BASE_DIR / "var")

DEBUG = env.bool("DJANGO_DEBUG", default=True)


def _secret_key() -> str:
    """Production needs SECRET_KEY; the embedded run keeps a random one in var/."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _access_details_keys() -> list[str]:
    """ORD-14: Fernet keys for credentials at rest; the first encrypts, all decrypt."""
    keys = env.list("ACCESS_DETAILS_KEYS", default=[])
    if keys:
        return keys
    if not DEBUG:
        raise ImproperlyConfigured(
            "ACCESS_DETAILS_KEYS must be set when DJANGO_DEBUG is off (production mode)."
        )
    from cryptography.fernet import Fernet

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "access_details_key"
    if not key_file.exists():
        key_file.write_text(Fernet.generate_key().decode())
    return [key_file.read_text().strip()]


ACCESS_DETAILS_KEYS = _access_details_keys()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if not DEBUG else ["localhost", "127.0.0.1"])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the portal, used in e-mails sent outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The portal's name in e-mails (the password reset is signed "The SLA Portal team").
SITE_NAME = env.str("SITE_NAME", default="SLA Portal")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "django_structlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "djmoney",
    "simple_history",
    "health_check",
    "csp",
    "axes",
    "slaportal.accounts",
    "slaportal.calendars",
    "slaportal.plans",
    "slaportal.ops",
    "orders",
    "support",
    "billing",
    "insight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Request ID, user and client address on every log line (slaportal.logs).
    "django_structlog.middlewares.RequestMiddleware",
    # Staff must pass a second factor before the admin (slaportal.accounts.two_factor).
    "django_otp.middleware.OTPMiddleware",
    "slaportal.accounts.two_factor.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out sign-in into the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "slaportal.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): 5 wrong passwords for one e-mail from one address lock
# that pair out for 15 minutes (others can still sign in as that user, so an attacker
# cannot lock a customer out); a successful sign-in resets the count. The address is
# the client's behind the proxy (slaportal.net.client_ip).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "slaportal.net.client_ip"
AXES_USERNAME_CALLABLE = "slaportal.accounts.backends.login_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Staff pass a second factor (an authenticator app, or a recovery code) before the admin;
# on in production, off by default in the embedded demo (slaportal.accounts.two_factor).
STAFF_TWO_FACTOR_REQUIRED = (env.bool("STAFF_TWO_FACTOR_REQUIRED")
                             if env.str("STAFF_TWO_FACTOR_REQUIRED", default="") else not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME

ROOT_URLCONF = "slaportal.urls"
WSGI_APPLICATION = "slaportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in CI and
# production).
_database_url = env.str("DATABASE_URL", default="")  # empty (as in .env.example) = unset
if DEBUG and not _database_url:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url_config(_database_url or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer rather than failing at once when the web server, the worker
    # and beat share the embedded database.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif env.bool("DATABASE_POOL", default=False):
    # psycopg's connection pool in each process (Django's OPTIONS["pool"]): a request
    # borrows a connection and returns it; persistent connections are then off. Size it
    # so that processes × DATABASE_POOL_MAX_SIZE stays below PostgreSQL's max_connections
    # (docs/deploy.md); behind PgBouncer in transaction mode leave this off instead.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=8),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Persistent connections, checked before reuse (a restarted server is noticed).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PGBOUNCER", default=False):
        # PgBouncer in transaction mode: no server-side cursors, no prepared statements.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# CAL-5: the vendor's business runs on Kyiv time; values are stored in UTC.
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default="") or VAR_DIR / "static")
if DEBUG:  # WhiteNoise expects it even before collectstatic (which creates it in a release)
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: console by default, SMTP (or any backend django-environ knows) via EMAIL_URL.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# An e-mail service provider instead (django-anymail), by settings alone, e.g.
# EMAIL_BACKEND=anymail.backends.postmark.EmailBackend ANYMAIL={"POSTMARK_SERVER_TOKEN": "..."}
if env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env.str("EMAIL_BACKEND")
ANYMAIL = env.json("ANYMAIL", default={})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SLA Portal <support@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# PayPro Global (BIL-2): the IPN validation key from the provider's control panel, the
# addresses notifications may come from (empty: any), whether test-mode notifications
# are accepted (never by default in production), and the hosted checkout address.
PAYPRO_IPN_VALIDATION_KEY = env.str("PAYPRO_IPN_VALIDATION_KEY", default="")
PAYPRO_IPN_ALLOWED_IPS = env.list("PAYPRO_IPN_ALLOWED_IPS", default=[])
# An empty allowlist in production is a deploy warning unless this says it is meant.
PAYPRO_IPN_ANY_ADDRESS = env.bool("PAYPRO_IPN_ANY_ADDRESS", default=False)
# Proxies in front of gunicorn that append to X-Forwarded-For (slaportal.net.client_ip):
# 1 behind one nginx; 0 when gunicorn faces the clients.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
PAYPRO_ALLOW_TEST_MODE = env.bool("PAYPRO_ALLOW_TEST_MODE", default=DEBUG)
PAYPRO_CHECKOUT_URL = env.str("PAYPRO_CHECKOUT_URL", default="")
# The sandbox checkout plays the provider offline; it exists only in debug mode.
PAYPRO_SANDBOX = DEBUG
# The seller on invoices and credit notes.
BILLING_SELLER_NAME = env.str("BILLING_SELLER_NAME", default="Migration Services LLC")
BILLING_SELLER_ADDRESS = env.str(
    "BILLING_SELLER_ADDRESS", default="1 Khreshchatyk St, Kyiv 01001, Ukraine", multiline=True)
BILLING_SELLER_TAX_ID = env.str("BILLING_SELLER_TAX_ID", default="")
BILLING_SELLER_EMAIL = env.str("BILLING_SELLER_EMAIL", default="billing@localhost")

# Shown on wire-transfer invoices (BIL-2); several lines allowed.
BILLING_BANK_DETAILS = env.str("BILLING_BANK_DETAILS", default="", multiline=True)

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from the
# portal itself only (static files, no CDN), no inline script, no framing, forms post
# back to the portal — or on to the PayPro Global checkout the pay forms redirect to
# (browsers check form-action on that redirect).
from csp.constants import NONE, SELF  # noqa: E402

_checkout = urlsplit(env.str("PAYPRO_CHECKOUT_URL", default=""))
_checkout_origin = [f"{_checkout.scheme}://{_checkout.netloc}"] if _checkout.netloc else []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *_checkout_origin],
        "frame-ancestors": [NONE],
    },
}

# Money (BIL-3): prices are kept in USD; other currencies are accepted on payments.
DEFAULT_CURRENCY = "USD"
CURRENCIES = ("USD", "EUR", "GBP", "UAH", "CAD", "AUD")

# Celery: a filesystem broker under var/ by default, Redis (or RabbitMQ) via
# CELERY_BROKER_URL. Beat keeps its schedule in the database.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://"  # empty = unset
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    # The broadcast tables (worker pings) too, or kombu writes ./control in the checkout.
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir) if DEBUG else ():
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # An unacknowledged task (acks_late) is redelivered after this long: above the time
    # limit, so a running job is never handed to a second worker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True  # a job killed halfway is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A checkout (card, PayPal) not completed within this many hours lapses, and a wire
# transfer invoice whose funds have not arrived within this many days; either frees
# the order for a new payment.
BILLING_CHECKOUT_HOURS = env.int("BILLING_CHECKOUT_HOURS", default=24)
BILLING_WIRE_DAYS = env.int("BILLING_WIRE_DAYS", default=14)
# A beat job works through its backlog batch after batch for at most this long per run
# (below the shortest schedule, 5 minutes), then leaves the rest to the next run.
JOB_TIME_BUDGET_SECONDS = env.int("JOB_TIME_BUDGET_SECONDS", default=240)
CELERY_TASK_SERIALIZER = "json"
# E-mails have a queue of their own, so a backlog of sweeps never delays them; the
# worker consumes both (Procfile, docs/operations.md).
# The SLA sweeps (every 5 minutes, SUP-7/8) have their own queue so a long recompute
# (CAL-8) or a job backlog never holds them back; everything else stays on "celery".
CELERY_TASK_ROUTES = {
    "slaportal.send_mail": {"queue": "mail"},
    "support.sla_sweep": {"queue": "sweeps"},
    "support.expire_clarifications": {"queue": "sweeps"},
    "calendars.recompute_deadlines": {"queue": "recompute"},
}
# A job works for at most JOB_TIME_BUDGET_SECONDS (240 s) and stops between batches;
# the limits catch a run stuck beyond that (the soft one lets it roll back cleanly).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
# A worker process is replaced after this many tasks (memory kept flat).
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_ACCEPT_CONTENT = ["json"]

# Production hardening (passes `manage.py check --deploy` with no warning).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The proxy's and the orchestrator's probes reach the health checks over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# Logs (slaportal.logs): one JSON object a line in production (LOG_FORMAT=json), readable
# lines in development; each carries the request's ID (also in X-Request-ID and on the
# error page), the user and the client address, and so do the Celery tasks a request
# enqueues. Errors are e-mailed to ADMINS ("Name <address>, ...") through the mail queue.
from slaportal import logs as _logs  # noqa: E402

_logs.configure_structlog()
LOG_FORMAT = env.str("LOG_FORMAT", default="") or ("console" if DEBUG else "json")
if LOG_FORMAT not in ("json", "console"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or console.")
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # slaportal.logs binds the proxy-aware one
# Keep the proxy's X-Request-ID (nginx $request_id) instead of making a new one.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool("LOG_TRUST_REQUEST_ID", default=False)
ADMINS = [parseaddr(entry) for entry in env.list("ADMINS", default=[])]
EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": _logs.formatters(),
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "slaportal.mail.AdminErrorMailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-axes logs every sign-in at INFO; lockouts (WARNING) are what matters.
        "axes": {"level": "WARNING"},
        # Django's default handlers (a synchronous error mail among them) give way to
        # the root's console and the queued error mail below.
        "django": {"handlers": [], "level": "INFO"},
        # A 500 (django.request) and a failed job (celery.app.trace) reach ADMINS.
        "django.request": {"handlers": ["mail_admins"], "level": "ERROR"},
        "celery.app.trace": {"handlers": ["mail_admins"], "level": "ERROR"},
        # One line per request from django-structlog is enough; Django's own is noise.
        "django.server": {"level": "WARNING"},
    },
}

# Error tracking (optional): set SENTRY_DSN to report errors of the web processes and the
# Celery workers to Sentry, tagged with the request ID of the logs.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    def _tag_request_id(event, hint):
        request_id = _logs.current_request_id()
        if request_id:
            event.setdefault("tags", {})["request_id"] = request_id
        return event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=_tag_request_id,
    )
