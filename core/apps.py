from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Bookings and customers"

    def ready(self) -> None:
        # ops cannot see bookings: time off is checked against them through ops' hook.
        from core.services.time_off import chef_booked_references, chef_time_off_record
        from ops.time_off import register_time_off_hooks

        register_time_off_hooks(booked_references=chef_booked_references, writer=chef_time_off_record)
