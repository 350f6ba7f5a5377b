import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myhibachi.settings")

app = Celery("myhibachi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The static schedule of docs/business-rules.md "Scheduled work". Every job is a sweep that sends what is
# due when it runs and records what it sent, so the period only bounds the delay; running one
# twice, or beat and a manual run together, sends nothing twice. `expires`: a run that waited
# longer than its period in the queue (workers down) is dropped; the next one does its work.
MINUTES = 60.0
app.conf.beat_schedule = {
    "deposit-reminders": {
        "task": "core.deposit_reminders_send",
        "schedule": 5 * MINUTES,
        "options": {"expires": 5 * MINUTES},
    },
    "cancel-unpaid-bookings": {
        "task": "core.unpaid_bookings_cancel",
        "schedule": 5 * MINUTES,
        "options": {"expires": 5 * MINUTES},
    },
    "event-reminders": {
        "task": "core.event_reminders_send",
        "schedule": 10 * MINUTES,
        "options": {"expires": 10 * MINUTES},
    },
    "unassigned-chef-alerts": {
        "task": "core.unassigned_chef_alerts_send",
        "schedule": crontab(minute="*/30"),
        "options": {"expires": 30 * MINUTES},
    },
    "review-requests": {
        "task": "core.review_requests_send",
        "schedule": 15 * MINUTES,
        "options": {"expires": 15 * MINUTES},
    },
    "lead-follow-up": {
        "task": "leads.follow_up_alerts_send",
        "schedule": 15 * MINUTES,
        "options": {"expires": 15 * MINUTES},
    },
    "campaigns-send-due": {
        "task": "crm.campaigns_send_due",
        "schedule": crontab(),  # every minute
        "options": {"expires": MINUTES},
    },
    "lead-rescore-nightly": {
        "task": "leads.rescore_nightly",
        "schedule": crontab(hour=11, minute=15),  # 03:15 or 04:15 in California (beat runs in UTC)
        "options": {"expires": 60 * MINUTES},
    },
    "lead-rescore-aging": {
        "task": "leads.rescore_aging",
        "schedule": 15 * MINUTES,
        "options": {"expires": 15 * MINUTES},
    },
    "booking-follow-ups": {
        "task": "core.booking_created_followups_sweep",
        "schedule": 15 * MINUTES,
        "options": {"expires": 15 * MINUTES},
    },
    "deliver-pending-notifications": {
        "task": "core.notifications_deliver_pending",
        "schedule": 5 * MINUTES,
        "options": {"expires": 5 * MINUTES},
    },
}
