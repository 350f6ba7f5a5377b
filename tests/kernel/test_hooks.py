import pytest

from core.hooks import booking_attempt_failed, booking_created, booking_refund_due
from kernel.hooks import Hook
from leads.hooks import convert_leads_of_new_booking, keep_failed_booking_as_lead


def test_receivers_run_in_registration_order_and_once_however_often_registered():
    hook: Hook[str] = Hook("test")
    calls: list[str] = []
    first = hook.register(lambda event: calls.append(f"first {event}"))
    hook.register(lambda event: calls.append(f"second {event}"))
    hook.register(first)

    hook.send("sent")

    assert calls == ["first sent", "second sent"]


def test_a_receivers_exception_reaches_the_sender_as_if_it_had_called_it():
    hook: Hook[int] = Hook("test")

    @hook.register
    def refuse(event: int) -> None:
        raise ValueError(event)

    with pytest.raises(ValueError):
        hook.send(1)


def test_the_apps_above_core_are_registered_on_its_booking_hooks_at_startup():
    assert convert_leads_of_new_booking in booking_created.receivers
    assert keep_failed_booking_as_lead in booking_attempt_failed.receivers
    assert len(booking_refund_due.receivers) == 1  # the payment services' cancellation refund


def test_leads_receives_texts_from_unknown_numbers_and_crm_composes_campaign_messages():
    from core.hooks import sms_from_unknown_number
    from core.models import Notification
    from core.notifications.content import content_provider_for
    from crm.services.deliveries import marketing_compose
    from leads.hooks import keep_unknown_texter_as_lead

    assert keep_unknown_texter_as_lead in sms_from_unknown_number.receivers
    for kind in (Notification.Kind.MARKETING_EMAIL, Notification.Kind.MARKETING_SMS):
        assert content_provider_for(kind).compose is marketing_compose
