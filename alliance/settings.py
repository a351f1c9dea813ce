"""Alliance settings: one module, driven by the environment.

ALLIANCE_ENV is "development" (the default: demo keys allowed, for `make run` and tests) or
"production" (every secret must be given, and demo values, the demo switch and DEBUG are refused).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


# Published on purpose: these only ever protect fictional demo data. Production refuses them.
DEMO_SECRET_KEY = "alliance-demo-secret-key-not-for-production-0000000000000000"
DEMO_FIELD_ENCRYPTION_KEY = "ZGVtby1vbmx5LWFsbGlhbmNlLWZpZWxkLWtleS0wMDA="
DEMO_PASSWORD = "alliance-demo"

ALLIANCE_ENV = os.environ.get("ALLIANCE_ENV", "development")
if ALLIANCE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("ALLIANCE_ENV must be 'development' or 'production'.")
PRODUCTION = ALLIANCE_ENV == "production"

DEBUG = envbool("DEBUG", False)
# The demo switch: allows seed_demo and shows the demo banner and logins on the sign-in page.
DEMO = envbool("ALLIANCE_DEMO", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEMO_SECRET_KEY)
# Keys for identifying fields, separate from SECRET_KEY: comma-separated Fernet keys, newest
# first. Older keys only decrypt; `manage.py rotate_encryption_keys` re-encrypts with the first.
FIELD_ENCRYPTION_KEYS = envlist(
    "FIELD_ENCRYPTION_KEYS", "" if PRODUCTION else DEMO_FIELD_ENCRYPTION_KEY
)

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DEBUG is on")
    if DEMO:
        problems.append("ALLIANCE_DEMO is on")
    if not SECRET_KEY or SECRET_KEY == DEMO_SECRET_KEY:
        problems.append("SECRET_KEY is missing or is the demo key")
    if not FIELD_ENCRYPTION_KEYS or DEMO_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS:
        problems.append("FIELD_ENCRYPTION_KEYS is missing or contains the demo key")
    if set(FIELD_ENCRYPTION_KEYS) & {SECRET_KEY}:
        problems.append("FIELD_ENCRYPTION_KEYS must not reuse SECRET_KEY")
    if not (os.environ.get("AUDIT_CHAIN_KEYS") or os.environ.get("AUDIT_CHAIN_KEY_FILE")):
        problems.append("AUDIT_CHAIN_KEYS (or AUDIT_CHAIN_KEY_FILE) is missing")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in production: " + "; ".join(problems) + ". See docs/deployment.md."
        )
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is not set. See docs/deployment.md.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First: its catalogues of Django's and allauth's strings fill the languages they lack.
    "alliance.languages",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "csp",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "alliance.core",
    "alliance.organisations",
    "alliance.accounts",
    "alliance.people",
    "alliance.cases",
    "alliance.assessments",
    "alliance.plans",
    "alliance.observations",
    "alliance.release",
    "alliance.coordination",
    "alliance.knowledge",
    "alliance.monitoring",
    "alliance.privacy",
    "alliance.retention",
    "alliance.work",
    "alliance.demo",
    # The background worker: django-tasks (a backport of Django 6's tasks) with its database
    # backend, so the queue lives in the one database every app server shares.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so that static files get the security headers too (core/headers.py).
    "alliance.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Session limits; also tracks each session's last activity for allauth's user sessions,
    # in place of allauth's UserSessionsMiddleware (see accounts/sessions.py).
    "alliance.accounts.sessions.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "alliance.accounts.mfa.SecondFactorMiddleware",
    "alliance.core.middleware.AuditContextMiddleware",
    # Last, so that it sees the outcome of the authentication backends.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "alliance" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "alliance.site.context_processors.alliance",
                "alliance.work.context_processors.work",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'alliance.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE takes the write lock at BEGIN, so two writers never race for the audit chain
    # head; WAL lets pages keep reading while one request writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if os.environ.get("DATABASE_TRANSACTION_POOLER") == "1":
        # Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator) may not
        # outlive its transaction's server connection: read such lists client-side instead.
        # PgBouncer passes no startup options: set jit = off on the database instead
        # (docs/deployment.md, "Scaling out").
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # Pages run short queries; PostgreSQL's JIT compiler costs more than it saves on them.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (the daily job): queued in the database, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "alliance.accounts.validators.NotDemoPasswordValidator"},
    {"NAME": "alliance.accounts.validators.RunsAndRepeatsPasswordValidator",
     "OPTIONS": {"min_distinct": 5, "max_runs": 2}},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# allauth: accounts are created by administrators, never by sign-up; MFA with TOTP.
ACCOUNT_ADAPTER = "alliance.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Alliance"

# Sign-in limits (see accounts/signin.py). A prison's staff often share one outgoing address, so
# the address limit is far above the account limit: one person's mistakes lock only their account.
# Per address: allauth refuses an address after ADDRESS_FAILURE_LIMIT failed sign-ins within 15
# minutes (successful ones are not counted). No per-username part: axes locks accounts below.
ADDRESS_FAILURE_LIMIT = envint("ADDRESS_FAILURE_LIMIT", 100)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{ADDRESS_FAILURE_LIMIT}/15m/ip",
    # Every sign-in POST, successful or not: a flood valve only, above any shift change (allauth's
    # default of 30 a minute could refuse a whole wing signing in at once). Not audited.
    "login": "120/m/ip",
}

# Per account: django-axes locks a username (from every address, in every spelling) after
# AXES_FAILURE_LIMIT failures, for 15 minutes; a successful sign-in or signin.unlock clears it.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "alliance.accounts.signin.lockout_username"
AXES_RESET_ON_SUCCESS = True
# Attempts on a locked account are refused without being counted: the lock ends 15 minutes after
# it began (not after the last try), and the audit trail can tell a refusal from a failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Attempts in the database, so every server process sees the same counts.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"

# Shared by every server process (allauth's rate-limit counts live here): a per-process memory
# cache would give each worker its own counts. The table is created by migrate (core 0004).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alliance_cache",
        # Past MAX_ENTRIES Django culls a third of the entries, counters included: keep it far
        # above the number of addresses that fail to sign in within 15 minutes.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

# SESSION_COOKIE_AGE follows SESSION_ABSOLUTE_TIMEOUT (sessions block below).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY") else None
# Addresses of the reverse proxies in front of the app servers: only requests from these have
# their X-Forwarded-For read for the client's address (audit trail, sign-in limits; core/client.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "alliance.core.client.client_address"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for each service's domain owner, not for the software.
    "security.W021",
    # Axes locks accounts only; the per-address limit is allauth's (ACCOUNT_RATE_LIMITS).
    "axes.W006",
]

# No external source anywhere: every asset is served from this origin. No inline script runs
# but one carrying the response's nonce ({{ CSP_NONCE }}); no inline style, no style="..." or
# onclick="..." attribute, no eval. core/headers.py checks that it stays so (alliance.E101).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'none'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
# Each in its own name. `sr` is Serbian in Cyrillic (Django's code), generated from `sr-latn`
# (alliance/languages/cyrillic.py); `cnr` (Montenegrin) is registered by alliance.languages.
LANGUAGES = [
    ("en", "English"),
    ("sq", "Shqip"),
    ("bs", "Bosanski"),
    ("hr", "Hrvatski"),
    ("cnr", "Crnogorski"),
    ("mk", "Македонски"),
    ("sr-latn", "Srpski (latinica)"),
    ("sr", "Српски (ћирилица)"),
]
LOCALE_PATHS = [BASE_DIR / "alliance" / "locale"]
FORMAT_MODULE_PATH = ["alliance.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Belgrade")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "alliance" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "alliance.core.api.AutoSchema",
    # Read only by generic views, which the API has none of: its lists name
    # alliance.core.api.Pagination themselves (naming it here would be a circular import, as
    # drf-spectacular, which that module extends, imports the generic views).
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "alliance.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with size, depth and character limits; empty forms are still accepted (core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "alliance.core.parsers.JSONParser",
        "alliance.core.parsers.FormParser",
        "alliance.core.parsers.MultiPartParser",
    ],
    # Per user and per token, rates from API_THROTTLE_* below (core.throttling).
    "DEFAULT_THROTTLE_CLASSES": ["alliance.core.throttling.ApiRateThrottle"],
}
# Largest API request body, in bytes (413 above it).
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", 1024 * 1024)
# Knowledge-base attachments (knowledge/entries/attachments.py): the largest file, in bytes, and
# an optional virus scanner, the dotted path of a callable `scan(data: bytes, file_name: str)` that
# raises ValidationError to refuse a file (docs/deployment.md shows one for ClamAV).
KNOWLEDGE_ATTACHMENT_MAX_BYTES = envint("KNOWLEDGE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
KNOWLEDGE_ATTACHMENT_SCANNER = os.environ.get("KNOWLEDGE_ATTACHMENT_SCANNER", "")
# REST_KNOX (API tokens): in the sessions block below.
SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance API",
    "DESCRIPTION": "Case management for rehabilitation and reintegration (Alliance).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# Mail carries the one-time password reset links administrators send (accounts/services.py).
# Without EMAIL_HOST, development writes mail to the console; production sends none and says so
# (a reset link in a server log would be readable by whoever reads the logs).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else
                 "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "alliance@localhost")


class _RefusalsOnOneLine:
    """A refused request (403, 404, 429: any status below 500) is logged as one line, without
    the traceback Django attaches to a PermissionDenied or an Http404: refusals are routine
    (an officer following an old link) and a traceback each would bury the real errors."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True


class _NotTwice:
    """runserver's own line for a refused request (the reason is already logged once by
    django.request, with the path): the other requests keep theirs."""

    def filter(self, record):
        return not 400 <= getattr(record, "status_code", 0) < 500


# Quiet by default: the PDF generator (WeasyPrint, and fontTools that it uses to embed fonts)
# logs each of its steps at INFO; LOG_LEVEL=DEBUG shows everything again.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": _RefusalsOnOneLine}, "not_twice": {"()": _NotTwice}},
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["refusals_on_one_line"]},
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "server",
            "filters": ["not_twice"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default gives "django" a console handler of its own (with DEBUG on), which
        # printed each refusal a second time, traceback included: the root's handler suffices.
        "django": {"handlers": [], "level": "INFO"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The development server's line per request (Django's default, with its own handler).
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
if os.environ.get("LOG_LEVEL", "").upper() == "DEBUG":
    LOGGING["loggers"] |= {"weasyprint": {"level": "DEBUG"}, "fontTools": {"level": "DEBUG"}}

if os.environ.get("ALLIANCE_FAST_PASSWORDS"):
    # Tests and the benchmark only: hashing with PBKDF2 would dominate their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Anonymous figures (the regional overview, the monitoring of the pilots: docs/indicators.md)
# below this count are suppressed. Raise it if your supervisory authority asks; below 3 it
# protects nobody, so 3 is the floor.
AGGREGATE_MIN_COUNT = max(3, envint("AGGREGATE_MIN_COUNT", 5))


# --- Two-factor authentication and re-authentication (accounts/mfa.py) ---
# Roles whose holders must use a second factor (an authenticator app or a security key) before
# they can do anything: comma-separated role codes, or "all". Production requires it of every
# role; elsewhere only the data protection officer and the system administrator, so that the
# demo shows the enforcement. Superusers must whenever any role must.
MFA_REQUIRED_ROLES = envlist("MFA_REQUIRED_ROLES", "all" if PRODUCTION else
                             "data_protection_officer,system_administrator")
MFA_ADAPTER = "alliance.accounts.mfa.MFAAdapter"
# Security keys need a secure origin; outside production http://localhost may register them.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# The password (or a second factor) is asked again before exports, loading instruments and
# changes to roles or sharing agreements, unless it was confirmed within this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = envint("REAUTHENTICATION_TIMEOUT", 300)

# --- Sessions, sign-in and API tokens (accounts/sessions.py) ---
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request (15 minutes) and, however
# active, SESSION_ABSOLUTE_TIMEOUT seconds after sign-in (10 hours: a shift and its overlap).
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", 15 * 60)
SESSION_ABSOLUTE_TIMEOUT = envint("SESSION_ABSOLUTE_TIMEOUT", 10 * 3600)
# The last activity is written at most once every SESSION_TOUCH_SECONDS per session and app
# process (one UPDATE saved on most requests); the idle limit is then kept to that precision.
SESSION_TOUCH_SECONDS = min(envint("SESSION_TOUCH_SECONDS", 60), SESSION_IDLE_TIMEOUT // 2)
# The stored session outlives the absolute limit by a few minutes, so that the limit, not the
# session store, ends it: the user is told why, and the ending is audited.
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT + 5 * 60
# Each user sees their sessions (device, address, last seen) and ends the others, audited.
USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_ADAPTER = "alliance.accounts.sessions.UserSessionsAdapter"
# API tokens expire API_TOKEN_TTL_HOURS after they are made (one shift by default), never
# extended by use; each user lists, makes and revokes theirs on their account page (/me/).
API_TOKEN_TTL_HOURS = max(1, envint("API_TOKEN_TTL_HOURS", 8))
REST_KNOX = {
    "TOKEN_TTL": __import__("datetime").timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
# The locked-account page says when the lock ends and whom to ask (accounts/signin.py).
AXES_LOCKOUT_CALLABLE = "alliance.accounts.signin.lockout_response"

# --- API limits: throttling, request size (core/api.py) ---
# Requests per user (every token and the session together) and per token, each a burst and a
# sustained rate: "count/period", period s, min, hour or day ("20/5s" too); "0" for no limit.
# Counted in the shared database cache (core.throttling); above them the API answers 429 with
# Retry-After.
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "600/min")
API_THROTTLE_USER_SUSTAINED = os.environ.get("API_THROTTLE_USER_SUSTAINED", "10000/hour")
API_THROTTLE_TOKEN = os.environ.get("API_THROTTLE_TOKEN", "300/min")
API_THROTTLE_TOKEN_SUSTAINED = os.environ.get("API_THROTTLE_TOKEN_SUSTAINED", "5000/hour")
# Pages: the largest form body (files not counted) Django reads, and the size above which an
# uploaded file goes to a temporary file instead of memory. A larger form gets 413. Limit the
# whole request at the reverse proxy too (docs/deployment.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)


# --- Security headers and the content-security policy ---
# (The policy itself is CONTENT_SECURITY_POLICY above, next to the other SECURE_* settings.)
# Browser features no page uses are switched off for every page; security keys (WebAuthn) may
# be used by this origin only (core/headers.py sends it as Permissions-Policy).
PERMISSIONS_POLICY = {
    "accelerometer": [], "autoplay": [], "camera": [], "display-capture": [],
    "encrypted-media": [], "geolocation": [], "gyroscope": [], "hid": [], "magnetometer": [],
    "microphone": [], "midi": [], "payment": [], "screen-wake-lock": [], "serial": [],
    "usb": [], "xr-spatial-tracking": [],
    "publickey-credentials-create": ["self"], "publickey-credentials-get": ["self"],
}
# Django's page for a failed CSRF check carries an inline style; ours is the site's.
CSRF_FAILURE_VIEW = "alliance.core.errorviews.csrf_failure"

# --- The keyed, anchored audit chain and backups (core/audit.py) ---
# The audit chain is keyed (HMAC-SHA-256), so that someone who can write to the database cannot
# recompute it: AUDIT_CHAIN_KEYS is a keyring "id:base64key,id:base64key", the current key first.
# Rotation = prepend a new key and keep the old ones (events name the key they were sealed with).
# Kept outside the database: the environment, or a file (AUDIT_CHAIN_KEY_FILE, same format, one
# key per line allowed). `manage.py generate_encryption_key --audit-chain` prints a new entry.
# Development and tests use a fixed, published demo key (deterministic); production refuses it.
DEMO_AUDIT_CHAIN_KEY = "demo:ZGVtby1vbmx5LWFsbGlhbmNlLWF1ZGl0LWNoYWluLWtleS0wMDAwMDA="
AUDIT_CHAIN_KEY_FILE = os.environ.get("AUDIT_CHAIN_KEY_FILE", "")
if AUDIT_CHAIN_KEY_FILE:
    try:
        AUDIT_CHAIN_KEYS = [k.strip() for k in Path(AUDIT_CHAIN_KEY_FILE).read_text()
                            .replace("\n", ",").split(",") if k.strip()]
    except OSError as exc:
        raise ImproperlyConfigured(f"AUDIT_CHAIN_KEY_FILE cannot be read: {exc}.") from None
else:
    AUDIT_CHAIN_KEYS = envlist("AUDIT_CHAIN_KEYS", "" if PRODUCTION else DEMO_AUDIT_CHAIN_KEY)
if PRODUCTION:
    _chain_material = {k.partition(":")[2] for k in AUDIT_CHAIN_KEYS}
    if not AUDIT_CHAIN_KEYS or DEMO_AUDIT_CHAIN_KEY in AUDIT_CHAIN_KEYS:
        raise ImproperlyConfigured("Refusing to start in production: AUDIT_CHAIN_KEYS is missing "
                                   "or contains the demo key. See docs/deployment.md.")
    if _chain_material & ({SECRET_KEY} | set(FIELD_ENCRYPTION_KEYS)):
        raise ImproperlyConfigured("Refusing to start in production: AUDIT_CHAIN_KEYS must not "
                                   "reuse SECRET_KEY or FIELD_ENCRYPTION_KEYS.")
# On PostgreSQL the audit trail is written into this many independent chains ("stripes"), each
# with its own lock, so that readers recording their consultations do not queue behind one
# (core/audit.py; docs/data-protection.md). SQLite serialises writers anyway: one stripe there.
AUDIT_CHAIN_STRIPES = envint("AUDIT_CHAIN_STRIPES", 16)
# The daily job (and `audit_head --anchor`) appends the chain's head here, one JSON line each,
# sealed with the chain key: deleting the newest events is then detected by `audit_verify`.
# Put it where the application's database role cannot write (another disk, a WORM mount).
# A test run (pytest sets PYTEST_VERSION) must not add its test databases' heads to the real file:
# there the default is none, and the tests of the anchors give their own file.
AUDIT_ANCHOR_FILE = os.environ.get(
    "AUDIT_ANCHOR_FILE",
    "" if os.environ.get("PYTEST_VERSION") else str(BASE_DIR / "var" / "audit-anchors.log"))
# And/or a syslog address ("/dev/log", or "host:port" over UDP): a copy on another machine.
AUDIT_ANCHOR_SYSLOG = os.environ.get("AUDIT_ANCHOR_SYSLOG", "")

# --- Data-subject rights and restriction (privacy/) ---

# --- Retention and special categories (retention/) ---
