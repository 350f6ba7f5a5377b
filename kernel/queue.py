"""Enqueueing Celery tasks by name, so that services never import a tasks.py.

A tasks.py is the top of its app (a thin wrapper that calls services); a service that imported
it would close a circle (services -> tasks -> services). Services enqueue by the task's
registered name instead (`enqueue("core.notification_deliver", str(notification_id))`); the name
is the contract, and tasks.py never imports this module's callers.

The task is looked up on Celery's current app, so a test that makes another app current (a real
worker on Redis) gets its tasks sent through that app.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction


def enqueue(task_name: str, /, *args: Any, **kwargs: Any) -> Any:
    """Send the task named `task_name` now (run in-process when Celery is eager)."""
    app = current_app._get_current_object()
    task = app.tasks.get(task_name)
    if task is None:
        # Not imported yet in this process: import every app's tasks.py (Celery's autodiscovery).
        app.loader.import_default_modules()
        task = app.tasks[task_name]
    return task.delay(*args, **kwargs)


def enqueue_on_commit(task_name: str, /, *args: Any, **kwargs: Any) -> None:
    """Send the task once the current transaction commits; a broker outage never fails the commit."""
    transaction.on_commit(lambda: enqueue(task_name, *args, **kwargs), robust=True)
