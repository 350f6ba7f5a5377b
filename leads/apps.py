from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Lead details"

    def ready(self) -> None:
        # core never imports leads: leads subscribes to the booking hooks core declares.
        from core.hooks import booking_attempt_failed, booking_created, contact_given, sms_from_unknown_number
        from leads.hooks import (
            contact_captured,
            convert_leads_of_new_booking,
            keep_failed_booking_as_lead,
            keep_unknown_texter_as_lead,
        )

        booking_created.register(convert_leads_of_new_booking)
        booking_attempt_failed.register(keep_failed_booking_as_lead)
        sms_from_unknown_number.register(keep_unknown_texter_as_lead)
        contact_given.register(contact_captured)
