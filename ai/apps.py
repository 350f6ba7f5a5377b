from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "ai"
    verbose_name = "AI assistant"

    def ready(self) -> None:
        from ai.services.sms import sms_to_assistant
        from core.hooks import on_inbound_sms

        on_inbound_sms(sms_to_assistant)
