from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = "Pricing"

    def ready(self) -> None:
        # Every write to the catalogue's rows bumps its shared version (pricing/catalogue.py):
        # save() and delete() of one row here, from anywhere (admin, services, seed, tests);
        # bulk writes through the models' CatalogueQuerySet; data migrations after each migrate.
        # A cache invalidation, not a business write: the one use of model signals here.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from identity.models import Station
        from kernel.versions import CATALOGUE, version_bump
        from pricing.models import AddonItem, MenuItem, PricingPolicy, TravelFeeConfig

        def catalogue_changed(**kwargs) -> None:
            version_bump(CATALOGUE)

        for model in (Station, PricingPolicy, MenuItem, AddonItem, TravelFeeConfig):
            post_save.connect(
                catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}"
            )
            post_delete.connect(
                catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}"
            )
        post_migrate.connect(catalogue_changed, dispatch_uid="catalogue-migrate")
