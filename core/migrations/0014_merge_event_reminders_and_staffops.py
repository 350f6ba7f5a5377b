from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_merge_day_of_contact_and_event_reminders"),
        ("core", "0013_notification_kinds_chef_receipt_manage_link"),
    ]

    operations = []
