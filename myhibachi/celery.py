import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myhibachi.settings")

app = Celery("myhibachi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The beat schedule is static and lives beside the tasks it runs; see myhibachi/schedule.py
# once scheduled work exists.
