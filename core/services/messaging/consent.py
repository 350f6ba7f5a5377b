"""A customer's consent: SMS withdrawn or given again (by text), email marketing withdrawn; audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Booking, Customer

CONSENT_FIELDS = ["sms_consent", "sms_consent_at", "sms_consent_text"]
EMAIL_CONSENT_FIELDS = ["email_consent", "email_consent_at", "email_consent_text"]


@transaction.atomic
def customer_email_consent_revoke(*, customer: Customer, actor: Actor, reason: str = "") -> bool:
    """Withdraw the customer's email-marketing consent at once; False when there was none.

    email_consent_at becomes the time of the withdrawal and the text they had agreed to is
    kept, as for SMS: consent off with a time on file means "withdrawn" (unsubscribed), with
    no time "never given". Transactional emails (their bookings) are not affected.
    """
    return _consent_revoke(
        customer=customer, channel="email", fields=EMAIL_CONSENT_FIELDS, actor=actor, reason=reason
    )


@transaction.atomic
def customer_sms_consent_revoke(*, customer: Customer, actor: Actor, reason: str = "") -> bool:
    """Withdraw the customer's SMS consent at once; False when there was none to withdraw.

    sms_consent_at becomes the time of the withdrawal; the text they had agreed to is kept.
    """
    return _consent_revoke(
        customer=customer, channel="sms", fields=CONSENT_FIELDS, actor=actor, reason=reason
    )


def _consent_revoke(
    *, customer: Customer, channel: str, fields: list[str], actor: Actor, reason: str
) -> bool:
    """One withdrawal for both channels: `<channel>_consent` off, `<channel>_consent_at` now, audited."""
    consent, consent_at = f"{channel}_consent", f"{channel}_consent_at"
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not getattr(customer, consent):
        return False
    before = snapshot(customer, fields=fields)
    setattr(customer, consent, False)
    setattr(customer, consent_at, timezone.now())
    customer.save(update_fields=[consent, consent_at, "updated_at"])
    audit_log_write(
        actor=actor,
        action=f"customer.{channel}_consent_revoke",
        instance=customer,
        before=before,
        after=snapshot(customer, fields=fields),
        reason=reason,
    )
    return True


@transaction.atomic
def customer_sms_consent_grant(*, customer: Customer, actor: Actor, keyword: str) -> bool:
    """Record the customer's SMS opt-in by texting `keyword`; False when they had consented already."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.sms_consent:
        return False
    before = snapshot(customer, fields=CONSENT_FIELDS)
    customer.sms_consent = True
    customer.sms_consent_at = timezone.now()
    customer.sms_consent_text = (
        f'Texted "{keyword}" to My Hibachi to receive texts about their bookings again. '
        "Reply STOP to opt out, HELP for help. Msg & data rates may apply."
    )
    customer.save(update_fields=[*CONSENT_FIELDS, "updated_at"])
    audit_log_write(
        actor=actor,
        action="customer.sms_consent_grant",
        instance=customer,
        before=before,
        after=snapshot(customer, fields=CONSENT_FIELDS),
        reason=f"texted {keyword}",
    )
    return True


@transaction.atomic
def customer_marketing_consent_record(
    *, customer: Customer, channel: str, given_at, text: str, actor: Actor, reason: str = ""
) -> bool:
    """Record an opt-in the customer gave elsewhere (an inquiry form), with its own time and text.

    `channel`: "sms" or "email". Never overrides a newer decision: a consent on file, or a
    withdrawal after `given_at`, is kept. True when the consent was recorded.
    """
    fields = CONSENT_FIELDS if channel == "sms" else EMAIL_CONSENT_FIELDS
    consent_field, at_field, text_field = fields
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    withdrawn_at = getattr(customer, at_field)
    if getattr(customer, consent_field) or (withdrawn_at is not None and withdrawn_at >= given_at):
        return False
    before = snapshot(customer, fields=fields)
    setattr(customer, consent_field, True)
    setattr(customer, at_field, given_at)
    setattr(customer, text_field, text)
    customer.save(update_fields=[*fields, "updated_at"])
    audit_log_write(
        actor=actor,
        action=f"customer.{channel}_consent_grant",
        instance=customer,
        before=before,
        after=snapshot(customer, fields=fields),
        reason=reason,
    )
    return True


@transaction.atomic
def booking_contact_sms_consent_revoke(*, phone: str, actor: Actor, reason: str = "") -> int:
    """Stop texting this number as any booking's day-of contact; the number of bookings changed."""
    bookings = list(Booking.objects.select_for_update().filter(contact_phone=phone, contact_sms_consent=True))
    fields = ["contact_sms_consent", "contact_sms_consent_at"]
    for booking in bookings:
        before = snapshot(booking, fields=fields)
        booking.contact_sms_consent = False
        booking.contact_sms_consent_at = timezone.now()
        booking.save(update_fields=[*fields, "updated_at"])
        audit_log_write(
            actor=actor,
            action="booking.contact_sms_consent_revoke",
            instance=booking,
            station_id=booking.station_id,
            before=before,
            after=snapshot(booking, fields=fields),
            reason=reason,
        )
    return len(bookings)
