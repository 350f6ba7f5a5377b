"""Beat's schedule (myhibachi/celery.py): every scheduled job names a registered task, and the
sweeps that make good a lost message are on it."""

from celery import current_app

from myhibachi.celery import app


def test_every_scheduled_job_runs_a_registered_task():
    app.loader.import_default_modules()
    registered = set(current_app.tasks)

    missing = {entry["task"] for entry in app.conf.beat_schedule.values()} - registered

    assert not missing, missing


def test_the_booking_follow_up_sweep_is_scheduled():
    # Without it, a booking whose follow-up message was lost would never convert its lead.
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert "core.booking_created_followups_sweep" in tasks
    assert "core.notifications_deliver_pending" in tasks
