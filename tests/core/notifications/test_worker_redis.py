"""A real Celery worker on a real Redis broker: beat's task goes through the broker, and so do the
deliveries it enqueues after commit. Skipped without REDIS_URL; fails in CI (REQUIRE_REDIS=1)."""

import datetime
import threading
import time
import uuid

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun, task_prerun
from django.db import connection
from django.utils import timezone

from core.models import Booking, Message, Notification
from core.tasks import deposit_reminders_send
from myhibachi.celery import app as project_app
from tests.core.factories import CustomerFactory
from tests.core.notifications.conftest import make_booking


def _close_db_connection(**kwargs) -> None:
    # The worker thread's own connection: closed after each task, so none outlives the test.
    connection.close()


@pytest.fixture
def redis_worker(redis_url):
    """A worker thread on the real Redis, consuming a queue of its own.

    A fresh Celery app configured like the project's (same settings, same shared tasks) but
    with the broker and eager mode off: the project's app keeps its eager state for the
    other tests. While the worker runs the fresh app is the current and default one, so the
    tasks' .delay() (in the test and in the worker) go through Redis. Yields the
    (task name, thread name) of each task run.
    """
    queue = f"test-notifications-{uuid.uuid4().hex[:12]}"
    worker_app = Celery("myhibachi-redis-test", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
    )
    ran: list[tuple[str, str]] = []

    def record(sender=None, **kwargs) -> None:
        ran.append((sender.name, threading.current_thread().name))

    task_prerun.connect(record, weak=False)
    task_postrun.connect(_close_db_connection, weak=False)
    try:
        with start_worker(
            worker_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ):
            yield ran
    finally:
        task_prerun.disconnect(record)
        task_postrun.disconnect(_close_db_connection)
        worker_app.close()
        project_app.set_current()
        project_app.set_default()
        broker = redis.Redis.from_url(redis_url)
        for key in broker.scan_iter(match=f"*{queue}*"):
            broker.delete(key)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_deposit_sweep_and_delivers_through_redis(
    station, redis_worker, mailoutbox, sms_outbox
):
    # Given an unpaid booking made 3 hours ago by a customer who accepts texts
    booking = make_booking(
        station=station,
        status=Booking.Status.DEPOSIT_PENDING,
        customer=CustomerFactory(sms_consent=True),
        created_at=timezone.now() - datetime.timedelta(hours=3),
    )

    # When beat's task is sent through the broker
    result = deposit_reminders_send.delay()
    assert not isinstance(result, EagerResult)

    # Then the worker claims the reminders, and delivers them (two more tasks through Redis)
    sent = _wait_for(
        lambda: Notification.objects.filter(booking=booking, status=Notification.Status.SENT).count() == 2
    )
    assert sent, (redis_worker, list(Notification.objects.values_list("channel", "status", "last_error")))
    assert Message.objects.filter(thread__customer=booking.customer, status=Message.Status.SENT).count() == 2
    assert [email.to for email in mailoutbox] == [[booking.customer.email]]
    assert [text.to for text in sms_outbox] == [booking.customer.phone]
    # All three tasks ran on the worker's thread, none in this one
    assert sorted(name for name, thread in redis_worker if thread != threading.main_thread().name) == [
        "core.deposit_reminders_send",
        "core.notification_deliver",
        "core.notification_deliver",
    ]


def _wait_for(condition, *, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
