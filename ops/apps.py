from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # identity scopes a chef's rows through this model without importing ops.
        from identity.scoping import register_chef_model
        from ops.models import Chef

        register_chef_model(Chef)
