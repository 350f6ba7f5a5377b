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
