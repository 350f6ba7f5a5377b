from django.apps import AppConfig
from django.db.models.signals import pre_migrate


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = "Identity and stations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kernel.db.schemas import ensure_schemas_before_migrate

        # Connected to one sender so it runs once per migrate, before any app's tables.
        pre_migrate.connect(ensure_schemas_before_migrate, sender=self, dispatch_uid="myhibachi-schemas")

        from identity import security

        security.connect()  # security events for logins and lockouts
