from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Bookings and customers"

    def ready(self) -> None:
        # The payment services sit above the booking services (a paid deposit confirms a
        # booking); a cancellation reaches the refund through this hook (core/hooks.py).
        from core.hooks import BookingRefundDue, booking_refund_due
        from core.services.payments import payment_refund_for_cancellation

        def refund_cancellation(event: BookingRefundDue) -> None:
            payment_refund_for_cancellation(booking=event.booking)

        booking_refund_due.register(refund_cancellation)

        # A cancelled booking accepts no further payment: its open intents are voided.
        from core.hooks import BookingCancelled, booking_cancelled
        from core.services.payments import payment_pending_void

        def void_open_payments(event: BookingCancelled) -> None:
            payment_pending_void(booking=event.booking)

        booking_cancelled.register(void_open_payments)

        # ops cannot see bookings: time off is checked against them through ops' hook.
        from core.services.time_off import chef_booked_references, chef_time_off_clear
        from ops.time_off import register_time_off_hooks

        register_time_off_hooks(booked_references=chef_booked_references, clearer=chef_time_off_clear)

        # Cached availability (core/availability.py) is retired by every change to what it is
        # made of, in the writing transaction and after its commit: a booking (its station's
        # version), a chef or a time-off row (every station's). A cache invalidation, not a
        # business write, so model signals: they see every save() and delete(), whichever
        # service, admin or command makes it. Bulk writes of these rows (the seed) bump by hand.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from core.availability import availability_changed
        from core.manage_cache import booking_changed as manage_answer_changed
        from core.manage_cache import policies_changed
        from core.models import Booking, Payment, Review
        from ops.models import Chef, ChefAvailability

        # A booking's row is in its station's availability and in its manage view's answer.
        def booking_changed(instance: Booking, **kwargs) -> None:
            availability_changed(station_id=instance.station_id)
            manage_answer_changed(instance.pk)

        def roster_changed(**kwargs) -> None:
            availability_changed()

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(booking_changed, sender=Booking, dispatch_uid=f"availability-booking-{name}")
            for model in (Chef, ChefAvailability):
                signal.connect(
                    roster_changed, sender=model, dispatch_uid=f"availability-{model.__name__}-{name}"
                )
        post_migrate.connect(roster_changed, dispatch_uid="availability-migrate")

        # The manage view's kept answers (core/manage_cache.py): a booking's payments and review
        # are in it, and every station's booking policy words and windows.
        from ops.models import BookingPolicy

        def part_of_booking_changed(instance, **kwargs) -> None:
            manage_answer_changed(instance.booking_id)

        def policy_changed(**kwargs) -> None:
            policies_changed()

        for name, signal in (("save", post_save), ("delete", post_delete)):
            for model in (Payment, Review):
                signal.connect(
                    part_of_booking_changed, sender=model, dispatch_uid=f"manage-{model.__name__}-{name}"
                )
            signal.connect(policy_changed, sender=BookingPolicy, dispatch_uid=f"manage-policy-{name}")
