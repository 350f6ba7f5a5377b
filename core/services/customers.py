"""Customers: found by email, never duplicated, consent recorded only when given."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Customer
from kernel.contact import normalize_email, normalize_phone
from kernel.errors import ServiceError

# The words the booking form shows beside each opt-in box; stored with the consent.
SMS_CONSENT_TEXT = (
    "I agree to receive text messages from My Hibachi about my booking and offers. "
    "Message frequency varies, at most 8 marketing messages a month. Msg & data rates may apply. "
    "Reply STOP to unsubscribe, HELP for help."
)
EMAIL_CONSENT_TEXT = (
    "I agree to receive emails from My Hibachi with news and offers, at most 2 a week. "
    "Every email has an unsubscribe link."
)

NAME_MAX_LENGTH = 100


@transaction.atomic
def customer_find_or_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    sms_consent: bool = False,
    email_consent: bool = False,
    actor: Actor,
) -> Customer:
    """The customer with this email (case-insensitive), created or updated; locked until commit.

    Names and phone are updated to what was given. Consent is only ever granted here, on an
    explicit opt-in (True), with the time and the text; an unticked box never revokes it.
    """
    email = normalize_email(email or "")
    if not email:
        raise ServiceError("Enter an email address.", field="customer.email")
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if not value:
            raise ServiceError("This field is required.", field=f"customer.{field}")
        if len(value) > NAME_MAX_LENGTH:
            raise ServiceError(f"At most {NAME_MAX_LENGTH} characters.", field=f"customer.{field}")
    phone = normalize_phone(phone, field="customer.phone") if phone else ""

    now = timezone.now()
    customer = _locked_by_email(email)
    if customer is None:
        customer = Customer(email=email, first_name=first_name, last_name=last_name, phone=phone)
        _grant_consent(customer, sms_consent=sms_consent, email_consent=email_consent, now=now)
        try:
            # A savepoint: when another request creates the same email first, only this
            # insert is undone and the caller's transaction carries on with the re-read.
            with transaction.atomic():
                customer.save(force_insert=True)
        except IntegrityError:
            customer = _locked_by_email(email)
            if customer is None:  # not the email constraint: a genuine error
                raise
        else:
            audit_log_write(
                actor=actor, action="customer.create", instance=customer, after=snapshot(customer)
            )
            return customer

    before = snapshot(customer)
    customer.first_name, customer.last_name = first_name, last_name
    if phone:
        customer.phone = phone
    _grant_consent(customer, sms_consent=sms_consent, email_consent=email_consent, now=now)
    if snapshot(customer) != before:
        customer.save()
        audit_log_write(
            actor=actor, action="customer.update", instance=customer, before=before, after=snapshot(customer)
        )
    return customer


def _grant_consent(customer: Customer, *, sms_consent: bool, email_consent: bool, now) -> None:
    """Record an explicit opt-in (True, nothing else) that is not on file yet; never revoke."""
    if sms_consent is True and not customer.sms_consent:
        customer.sms_consent, customer.sms_consent_at, customer.sms_consent_text = True, now, SMS_CONSENT_TEXT
    if email_consent is True and not customer.email_consent:
        customer.email_consent, customer.email_consent_at = True, now
        customer.email_consent_text = EMAIL_CONSENT_TEXT


def _locked_by_email(email: str) -> Customer | None:
    return Customer.objects.select_for_update().filter(email__iexact=email).first()
