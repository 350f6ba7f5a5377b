"""Event reminders now belong to the event's date and slot (Notification.occurrence): the
reminders sent before this change are given the booking's current time, so that they are not
sent again for it."""

from django.db import migrations

SQL = """
UPDATE core.notifications AS n
SET occurrence = to_char(b.date, 'YYYY-MM-DD') || ' ' || to_char(b.slot, 'HH24:MI')
FROM core.bookings AS b
WHERE n.booking_id = b.id
  AND n.kind IN ('event_reminder_48h', 'event_reminder_24h')
  AND n.occurrence = ''
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notifications")]

    operations = [migrations.RunSQL(SQL, reverse_sql=migrations.RunSQL.noop)]
