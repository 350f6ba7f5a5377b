from django.db import migrations

from kernel.db.foreign_keys import SetOnDelete


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    # The ON DELETE rules of docs/business-rules.md, enforced by the database itself.
    operations = [
        SetOnDelete('lead"."lead_events', "lead_id", 'crm"."leads', "CASCADE"),
    ]
