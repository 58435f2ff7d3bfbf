"""Harbour settings: one module, read from the environment (django-environ).

Development defaults apply only when DEBUG is on. In production every secret must come
from the environment and a missing one stops start-up with a message naming it.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS")


def _require(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"Harbour will not start: the environment variable {name} is not set. "
            f"With DEBUG off, {', '.join(REQUIRED_IN_PRODUCTION)} are all required "
            "(see .env.example)."
        )
    return value


if DEBUG:
    from config import dev_secrets

    _dev = dev_secrets.load(DATA_DIR / "dev-secrets.json")
    SECRET_KEY = env.str("SECRET_KEY", default="") or _dev["SECRET_KEY"]
    _field_keys = env.str("FIELD_ENCRYPTION_KEYS", default="") or _dev["FIELD_ENCRYPTION_KEYS"]
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    if env.str("DATABASE_URL", default=""):
        DATABASES = {"default": env.db("DATABASE_URL")}
    else:
        from config import embedded_db

        _dir = embedded_db.default_dir()
        DATABASES = {"default": env.db_url_config(embedded_db.database_url(_dir))}
else:
    SECRET_KEY = _require("SECRET_KEY")
    _field_keys = _require("FIELD_ENCRYPTION_KEYS")
    _require("ALLOWED_HOSTS")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DATABASES = {"default": env.db_url_config(_require("DATABASE_URL"))}

# Newest key first; older keys only decrypt (see docs/operations.md, key rotation).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in _field_keys.split(",") if k.strip()]

DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
# Every request is one transaction: a change and its audit rows commit together.
DATABASES["default"]["ATOMIC_REQUESTS"] = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "guardian",
    "auditlog",
    "pgtrigger",
    "procrastinate.contrib.django",
    "accounts",
    "audit",
    "cases",
    "risk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.Require2FAMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "audit.events.AccessEventMiddleware",
    "config.errors.IncidentMiddleware",
    # axes must be last: it turns a lockout signalled by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.harbour",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out username+IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# An activation / password link handed to a new member of staff lasts this long.
PASSWORD_RESET_TIMEOUT = env.int("ACTIVATION_LINK_HOURS", default=72) * 3600

# Sessions: 15 minutes idle, 12 hours absolute, server-side (database) so logout ends them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=15) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Failed 2FA codes allowed in one login before the session is ended.
OTP_MAX_FAILURES = 5
OTP_TOTP_ISSUER = env.str("OTP_ISSUER", default="Harbour")

# django-axes: 5 failures for one username+IP lock that pair (never a whole office's IP).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.auth.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=True)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are bound to this exact host, HTTPS and path / (ASVS 3.3.1).
    SESSION_COOKIE_NAME = "__Host-harbour_session"
    CSRF_COOKIE_NAME = "__Host-harbour_csrf"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: only for Bootstrap's own SVG form icons; images run no script.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# In development whitenoise serves straight from the finders; production serves the
# hashed, compressed copies that `collectstatic` writes to STATIC_ROOT.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-guardian holds case grants (direct-FK tables in cases.models). Harbour never asks
# guardian's backend or shortcuts for permissions: cases.access does every check.
ANONYMOUS_USER_NAME = None
# Its permission backend is deliberately not installed: user.has_perm(case) would bypass
# expiry, exclusions and scope, which only cases.access knows.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False

# django-auditlog: JSON diffs; every masked field is replaced whole, never half-masked.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_MASK_CALLABLE = "audit.masking.redact"
AUDITLOG_DISABLE_REMOTE_ADDR = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Risk scoring (risk/scoring.py). 14+ Yes is SafeLives' visible high risk; the medium band
# and the escalation threshold are local practice and configurable.
RISK_HIGH_FROM = env.int("RISK_HIGH_FROM", default=14)
RISK_MEDIUM_FROM = env.int("RISK_MEDIUM_FROM", default=10)
MARAC_ESCALATION_INCIDENTS = env.int("MARAC_ESCALATION_INCIDENTS", default=3)
MARAC_ESCALATION_MONTHS = env.int("MARAC_ESCALATION_MONTHS", default=12)
MARAC_MEETING_WITHIN_DAYS = 14

# Audit review: working hours (local time, weekdays) and the distinct-cases-per-hour limit
# above which a user's access is flagged; retention of case records after closure.
AUDIT_WORKING_HOURS = (
    env.int("WORKING_HOURS_START", default=8),
    env.int("WORKING_HOURS_END", default=18),
)
AUDIT_MANY_CASES_PER_HOUR = env.int("AUDIT_MANY_CASES_PER_HOUR", default=20)
RETENTION_YEARS_AFTER_CLOSURE = env.int("RETENTION_YEARS_AFTER_CLOSURE", default=6)

# Shown in a banner on every page and in the header and footer of every PDF.
PROTECTIVE_MARKING = env.str("PROTECTIVE_MARKING", default="OFFICIAL-SENSITIVE")

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=not DEBUG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="harbour@localhost")

# Logs carry no request bodies and no personal data: only paths, users' ids and incident ids.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "procrastinate": {"level": "WARNING"},
    },
}
