from django.db import migrations

from kernel.db.foreign_keys import SetOnDelete


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    # The ON DELETE rules of docs/business-rules.md, enforced by the database itself.
    operations = [
        SetOnDelete('core"."bookings', "customer_id", 'core"."customers', "RESTRICT"),
        SetOnDelete('core"."bookings', "chef_id", 'ops"."chefs', "SET NULL"),
        SetOnDelete('core"."payments', "booking_id", 'core"."bookings', "RESTRICT"),
    ]
