"""Settings of the benchmark server: the project's settings, with the ceiling view mounted
and the public throttles lifted (the benchmark measures the code, not the rate limit)."""

from myhibachi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
API_THROTTLE_RATES = {scope: "1000000/min" for scope in API_THROTTLE_RATES}  # noqa: F405
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# As production runs it: persistent database connections, and side effects enqueued to a
# broker rather than run inside the request (kombu's in-memory transport: enqueued, not run).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
