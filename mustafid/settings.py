"""Mustafid settings: one file, read from the environment.

Every knob an operator may turn is an environment variable (see README):
DATABASE_URL, CONN_MAX_AGE, SECRET_KEY, DEBUG, ALLOWED_HOSTS, PORT (Makefile), PRESET (demo data).
A bad value fails loudly at start-up rather than running half-configured.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUSTAFID_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The test suite runs with no environment of its own (pytest-django loads settings before any conftest).
TESTING = "pytest" in sys.modules


def _secret_key():
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if TESTING:
        return "tests-only-not-a-secret"
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    # Development only: one random key kept under var/ so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    # Ground: no imports upward.
    "mustafid.lib",
    "mustafid.audit",
    "mustafid.accounts",
    "mustafid.notifications",
    "mustafid.association",
    "mustafid.beneficiaries",
    "mustafid.interactions",
    "mustafid.cases",
    "mustafid.feedback",
    "mustafid.research",
    "mustafid.committee",
    "mustafid.services",
    "mustafid.portal",
    # Reads everything; nothing imports these two.
    "mustafid.reports",
    "mustafid.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mustafid.lib.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mustafid.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signed-in requests: idle timeout, a required password change, no caching (accounts/middleware.py).
    "mustafid.accounts.middleware.IdleTimeoutMiddleware",
    "mustafid.accounts.middleware.PasswordChangeRequiredMiddleware",
    "mustafid.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: a repeated form token (`_once`) never reaches the view; after the CSRF check.
    "mustafid.audit.once.OnceMiddleware",
    # With DEBUG on, the app's Arabic 404 page instead of Django's English URL listing (lib/middleware.py).
    "mustafid.lib.middleware.NotFoundPageMiddleware",
]

ROOT_URLCONF = "mustafid.urls"
WSGI_APPLICATION = "mustafid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mustafid" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "mustafid.association.context_processors.association",
                "mustafid.lib.context_processors.nav_section",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "mustafid.lib.templatetags.mustafid",
            ],
        },
    },
]

_DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'mustafid.sqlite3'}"
# Persistent connections: on PostgreSQL a new connection per request (CONN_MAX_AGE 0) costs about as much as
# a light page, so each worker keeps its connection for CONN_MAX_AGE seconds (default 60), checked before
# reuse (CONN_HEALTH_CHECKS) so a restarted database costs one retry, not an error page. SQLite keeps 0.
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 0 if _DATABASE_URL.startswith("sqlite") else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every write is in a transaction; IMMEDIATE avoids SQLite's "database is locked" upgrade race.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # The worker (`make run` starts one beside the web server) writes too: wait for the lock, do not fail.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off on analytical queries of tens of millions of rows; here it added about
    # 90-100 ms to each of the indicators' queries at a million requests and saved nothing (bench/indicators.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # PBKDF2's million rounds cost ~0.4 s per staff password: tests check who may sign in, not the hash.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
# Lock the pair (account, address): guessing one account's password from one place is stopped, while
# colleagues behind the same office router or proxy, and the same account elsewhere, still sign in.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The same client address as the audit trail: the proxy's header only when TRUSTED_PROXY_COUNT says so.
AXES_CLIENT_IP_CALLABLE = "mustafid.audit.context.ip_from_request"
# Number of reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For and X-Forwarded-Proto are
# trusted. 0 (the default): the app is reached directly and REMOTE_ADDR is the client. See docs/operations.md.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

SESSION_COOKIE_HTTPONLY = True
# A session ends with the browser, and after SESSION_IDLE_MINUTES without a request (accounts/middleware.py
# signs the person out and says why). The stored session outlives the idle time by five minutes at most.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be 1 or more")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = (SESSION_IDLE_MINUTES + 5) * 60
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS in production: redirect plain HTTP and tell browsers to use HTTPS only (HSTS, one year by default).
# Behind a proxy that ends TLS, set TRUSTED_PROXY_COUNT so the proxy's X-Forwarded-Proto says the request was
# secure; a proxy that already redirects may set SECURE_SSL_REDIRECT=false. Development (DEBUG) and tests: off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload directive only allows a later submission to the browsers' list; nothing is submitted.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "mustafid" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Riyadh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "mustafid" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Media are never served by URL: every file is sensitive and goes through an access-checked view.
MEDIA_URL = "/files-are-served-by-views/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development and tests serve static files straight from the source folders; production from collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Stored files are readable by the service only (documents of vulnerable people).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = env_int("MAX_DOCUMENT_BYTES", 10 * 1024 * 1024)

# Widgets render through our templates (Bootstrap classes) in templates/django/forms/.
FORM_RENDERER = "mustafid.lib.form_renderer.FormRenderer"

# --- Messages (the outbox, notifications app; docs/operations.md «Messages») ---------------------------------
# Background work: the Django tasks API (django-tasks) on the database backend, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The transport of each channel. The demo and tests write each message as one file under MESSAGES_DIR.
MESSAGE_TRANSPORTS = {
    "sms": os.environ.get("MESSAGE_SMS", "file"),  # file | unifonic | taqnyat | msegat | off
    "email": os.environ.get("MESSAGE_EMAIL", "file"),  # file | smtp | off
    "whatsapp": os.environ.get("MESSAGE_WHATSAPP", "off"),  # off | file | whatsapp
}
MESSAGES_DIR = Path(os.environ.get("MESSAGES_DIR", VAR_DIR / "messages"))
# The sender name approved with the SMS provider (Unifonic SenderID, Taqnyat sender, Msegat userSender).
SMS_SENDER_NAME = os.environ.get("SMS_SENDER_NAME", "")
# Each provider's base URL is configurable (a test server, a regional endpoint); credentials only from here.
UNIFONIC_BASE_URL = os.environ.get("UNIFONIC_BASE_URL", "https://el.cloud.unifonic.com")
UNIFONIC_APP_SID = os.environ.get("UNIFONIC_APP_SID", "")
TAQNYAT_BASE_URL = os.environ.get("TAQNYAT_BASE_URL", "https://api.taqnyat.sa")
TAQNYAT_TOKEN = os.environ.get("TAQNYAT_TOKEN", "")
MSEGAT_BASE_URL = os.environ.get("MSEGAT_BASE_URL", "https://www.msegat.com")
MSEGAT_USERNAME = os.environ.get("MSEGAT_USERNAME", "")
MSEGAT_API_KEY = os.environ.get("MSEGAT_API_KEY", "")
WHATSAPP_BASE_URL = os.environ.get("WHATSAPP_BASE_URL", "https://graph.facebook.com/v26.0")
WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN", "")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
# Delivery reports: WhatsApp signs with the app secret (X-Hub-Signature-256); Unifonic's callback URL carries
# a shared secret we choose. Without a secret the webhook refuses everything.
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
UNIFONIC_WEBHOOK_SECRET = os.environ.get("UNIFONIC_WEBHOOK_SECRET", "")
# Replies to our messages (notifications/replies.py): the channels whose provider delivers them to our webhooks
# ("sms,whatsapp"; none by default), and the secret in the URL of the SMS replies' webhook. With a channel listed,
# a survey invitation sent on it says «أو رد برقم من ١ إلى ٥» and a digit sent back answers it (docs/feedback.md).
MESSAGE_REPLY_CHANNELS = os.environ.get("MESSAGE_REPLY_CHANNELS", "")
SMS_REPLY_WEBHOOK_SECRET = os.environ.get("SMS_REPLY_WEBHOOK_SECRET", "")
# Links in messages to staff (reminders) start with this address.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A referral to a social researcher is due this many days after it was made (reminders the day before and on the day):
# working days (Friday, Saturday and the two Eids not counted) unless REFERRAL_DUE_WORKING_DAYS is off.
REFERRAL_DUE_DAYS = env_int("REFERRAL_DUE_DAYS", 5)
REFERRAL_DUE_WORKING_DAYS = env_bool("REFERRAL_DUE_WORKING_DAYS", True)
# A rejected applicant may appeal within this many days of the decision (said in the decision letter).
APPEAL_DAYS = env_int("APPEAL_DAYS", 30)
# The signed link to a decision letter in the applicant's message opens it without signing in for this many days.
LETTER_LINK_DAYS = env_int("LETTER_LINK_DAYS", 30)
# The beneficiary portal (docs/portal.md): its session ends after this many minutes without a request (apart from
# the staff's SESSION_IDLE_MINUTES); asking for a sign-in code answers no sooner than PORTAL_MIN_RESPONSE_SECONDS,
# so a registered ID and an unknown one take the same time (tests that time it set it themselves).
# (The stored session lasts SESSION_COOKIE_AGE from the last request: never longer than that, whatever is set here.)
PORTAL_IDLE_MINUTES = env_int("PORTAL_IDLE_MINUTES", 15)
if PORTAL_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("PORTAL_IDLE_MINUTES must be 1 or more")
PORTAL_MIN_RESPONSE_SECONDS = 0 if TESTING else 0.3
MESSAGE_SEND_TIMEOUT = env_int("MESSAGE_SEND_TIMEOUT", 10)
# Retries of a temporary failure: back-off doubling from 1 minute, capped at 1 hour, at most this many attempts.
MESSAGE_MAX_ATTEMPTS = env_int("MESSAGE_MAX_ATTEMPTS", 8)
# A message still "sending" this long after it was claimed belongs to a worker that died.
MESSAGE_STUCK_AFTER_MINUTES = env_int("MESSAGE_STUCK_AFTER_MINUTES", 10)
# No messages between these hours, Riyadh time (sign-in codes excepted). Equal values: no quiet hours.
MESSAGE_QUIET_HOURS = (env_int("MESSAGE_QUIET_START", 22), env_int("MESSAGE_QUIET_END", 7))

# E-mail (the "smtp" transport uses Django's mail backend with these).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Mustafid <no-reply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
                # One line per task run would drown the worker's console; failures are still logged.
                "django_tasks": {"level": "WARNING"}, "django_tasks_db": {"level": "WARNING"}},
}
