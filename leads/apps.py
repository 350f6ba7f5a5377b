from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = "Lead details"

    def ready(self) -> None:
        from core.hooks import on_contact_capture
        from leads.hook_handlers import contact_captured

        on_contact_capture(contact_captured)
