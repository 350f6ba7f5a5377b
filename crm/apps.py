from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        # core delivers campaign messages; crm composes them and records the outcome.
        from crm.services.deliveries import register

        register()
