"""The embedded development database forgets processes that died without unregistering."""

import json
import os
import subprocess
import sys

from myhibachi.devdb import forget_exited_processes


def test_handles_of_killed_processes_are_dropped_so_the_last_live_process_stops_the_server(tmp_path):
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([exited.pid, os.getpid()]))

    forget_exited_processes(tmp_path)

    assert json.loads(handles.read_text()) == [os.getpid()]


def test_nothing_to_forget_without_a_handle_file(tmp_path):

    forget_exited_processes(tmp_path)

    assert not (tmp_path / ".handle_pids.json").exists()
