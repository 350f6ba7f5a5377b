"""Settings of the benchmark server: the project's settings, with the ceiling view mounted
and the public throttles lifted (the benchmark measures the code, not the rate limit)."""

from myhibachi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
API_THROTTLE_RATES = {scope: "1000000/min" for scope in API_THROTTLE_RATES}  # noqa: F405
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
