"""Production refuses to start without its secrets and passes `check --deploy` cleanly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k8#2mZ!qv9Lw4@xR7pT1nB6yH3jF0sD5gA8cE2uK4oI9wQ7rZ1",
    "DATABASE_URL": "postgres://myhibachi@db.internal:5432/myhibachi",
    "FIELD_ENCRYPTION_KEY": "a-different-long-random-field-encryption-key-0123456789",
    "ALLOWED_HOSTS": "api.myhibachichef.com",
    "CELERY_BROKER_URL": "redis://cache.internal:6379/1",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "MYHIBACHI_TESTING": "0",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The test process's own switches stay out of production: the browser tests lift Django's
    # async guard (DJANGO_ALLOW_ASYNC_UNSAFE) in this process, which production never sets.
    left_out = {*PRODUCTION_ENV, "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {key: value for key, value in os.environ.items() if key not in left_out}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS", "REDIS_URL"):
        env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}

        result = _manage("check", env=env)

        assert result.returncode != 0, missing
        assert missing in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
