from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "ai"
    verbose_name = "AI assistant"

    def ready(self) -> None:
        # core never imports ai: the assistant subscribes to the inbound SMS hook core declares.
        from ai.hook_receivers import link_conversations_of_new_customer
        from ai.services.sms import sms_to_assistant
        from core.hooks import booking_created, inbound_sms_received

        inbound_sms_received.register(sms_to_assistant)
        booking_created.register(link_conversations_of_new_customer)
