from django.db import migrations

from kernel.db.foreign_keys import SetOnDelete


class Migration(migrations.Migration):
    dependencies = [("crm", "0002_initial")]

    # The ON DELETE rules of docs/business-rules.md, enforced by the database itself.
    operations = [
        SetOnDelete('crm"."leads', "customer_id", 'core"."customers', "SET NULL"),
    ]
