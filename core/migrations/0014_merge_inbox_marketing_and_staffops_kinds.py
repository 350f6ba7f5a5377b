from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_merge_marketing_kinds_and_party_changes"),
        ("core", "0013_notification_kinds_chef_receipt_manage_link"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(choices=[('booking_received', "Booking received (deposit instructions)"), ('deposit_reminder_2h', "Deposit reminder (2 h)"), ('deposit_reminder_12h', "Deposit reminder (12 h)"), ('booking_confirmed', "Booking confirmed"), ('booking_rescheduled', "Reschedule confirmed"), ('booking_cancelled', "Booking cancelled"), ('event_reminder_48h', "Event reminder (48 h)"), ('event_reminder_24h', "Event reminder (24 h)"), ('review_request', "Review request"), ('manage_link', "Manage link sent again"), ('sms_opt_out', "SMS opt-out confirmation"), ('sms_opt_in', "SMS opt-in confirmation"), ('sms_help', "SMS help reply"), ('staff_new_booking', "Staff: new booking"), ('staff_cancellation_request', "Staff: cancellation request"), ('staff_unassigned_chef', "Staff: booking without a chef"), ('staff_payment_flagged', "Staff: payment flagged"), ('staff_lead_not_contacted', "Staff: lead not contacted"), ('staff_quote_not_booked', "Staff: quote not booked"), ('chef_assigned', "Chef: party assigned"), ('chef_unassigned', "Chef: party taken off"), ('chef_rescheduled', "Chef: party moved"), ('chef_cancelled', "Chef: party cancelled"), ('receipt', "Receipt (payment or refund)"), ('staff_message_waiting', "Staff: a customer's message is waiting"), ('staff_reply', "Staff reply to a customer"), ('marketing_email', "Marketing email (campaign)"), ('marketing_sms', "Marketing SMS (campaign)")], max_length=40),
        ),
    ]
