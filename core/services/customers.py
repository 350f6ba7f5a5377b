"""Customers: found by email, never duplicated, consent recorded only when given."""

from django.db import IntegrityError, connections, router, transaction
from django.db.models import sql
from django.db.models.constants import OnConflict
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Customer
from core.selectors import customer_by_email
from kernel.contact import normalize_email, normalize_phone
from kernel.errors import ServiceError

# The words the booking form shows beside each opt-in box; stored with the consent.
# The caps they state are crm/policy.py's (crm sits above core: a test keeps the two in step).
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


def customer_get_or_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    sms_consent: bool = False,
    email_consent: bool = False,
    actor: Actor,
) -> tuple[Customer, bool]:
    """The customer with this email (in its normal form), created if new; locked until commit.

    Returns (customer, created), as Django's get_or_create: created is True when this call
    inserted the row (so the customer has nothing else yet: no booking, no lead).

    What an unverified form gives (names, phone, opt-ins) is stored only on a new customer.
    An existing customer is returned unchanged: anyone can type someone else's email, so a
    form never overwrites a stored name or phone and never grants consent for a number the
    customer has not confirmed (docs/business-rules.md). Their own manage link
    (customer_update_contact) or staff change it.
    """
    email = normalize_email(email or "")
    if not email:
        raise ServiceError("Enter an email address.", field="customer.email")
    first_name, last_name = _checked_name(first_name, "first_name"), _checked_name(last_name, "last_name")
    phone = normalize_phone(phone, field="customer.phone") if phone else ""
    # Checked above, written below. No savepoint inside a caller's transaction (a booking's):
    # a failure here fails it anyway; the insert below keeps the one savepoint it needs.
    with transaction.atomic(savepoint=False):
        return _find_or_insert(
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            sms_consent=sms_consent,
            email_consent=email_consent,
            actor=actor,
        )


def _find_or_insert(
    *,
    email: str,
    first_name: str,
    last_name: str,
    phone: str,
    sms_consent: bool,
    email_consent: bool,
    actor: Actor,
) -> tuple[Customer, bool]:
    customer = _locked_by_email(email)
    if customer is not None:
        return customer, False
    customer = Customer(email=email, first_name=first_name, last_name=last_name, phone=phone)
    _grant_consent(customer, sms_consent=sms_consent, email_consent=email_consent, now=timezone.now())
    if not _insert_unless_taken(customer):
        # Another request created the same email first (this INSERT waited for it to commit):
        # theirs is the customer, and the caller's transaction carries on with it, locked.
        existing = _locked_by_email(email)
        if existing is None:  # a conflict, yet no customer at this email: a genuine error
            raise IntegrityError(f"Customer {email!r} conflicts with a row _locked_by_email does not find.")
        return existing, False
    audit_log_write(actor=actor, action="customer.create", instance=customer, after=snapshot(customer))
    return customer, True


CONTACT_FIELDS = [
    "first_name",
    "last_name",
    "phone",
    "sms_consent",
    "sms_consent_at",
    "sms_consent_text",
    "email_consent",
    "email_consent_at",
    "email_consent_text",
]


@transaction.atomic
def customer_update_contact(
    *,
    customer: Customer,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
    sms_consent: bool | None = None,
    email_consent: bool | None = None,
    actor: Actor,
    reason: str = "",
) -> Customer:
    """Change a customer's stored name, phone or consents (None: leave as is); audited before/after.

    Only for the customer themselves (through their signed manage link) or staff. A consent
    given or withdrawn records the time and the text; a new phone number drops the SMS consent
    given for the old one (sms_consent=True in the same change gives it for the new one).
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = snapshot(customer, fields=CONTACT_FIELDS)
    now = timezone.now()
    if first_name is not None:
        customer.first_name = _checked_name(first_name, "first_name")
    if last_name is not None:
        customer.last_name = _checked_name(last_name, "last_name")
    if phone is not None:
        new_phone = normalize_phone(phone, field="customer.phone") if phone.strip() else ""
        if new_phone != customer.phone:
            customer.phone = new_phone
            if customer.sms_consent:
                # Consent belongs to a number: the old one's does not carry over (given again
                # below, with the new time, when this change opts in too).
                customer.sms_consent, customer.sms_consent_at = False, now
    if sms_consent is True and not customer.sms_consent:
        if not customer.phone:
            raise ServiceError("Add a phone number to receive texts.", field="customer.phone")
        customer.sms_consent, customer.sms_consent_at, customer.sms_consent_text = True, now, SMS_CONSENT_TEXT
    elif sms_consent is False and customer.sms_consent:
        customer.sms_consent, customer.sms_consent_at = False, now
    if email_consent is True and not customer.email_consent:
        customer.email_consent, customer.email_consent_at = True, now
        customer.email_consent_text = EMAIL_CONSENT_TEXT
    elif email_consent is False and customer.email_consent:
        customer.email_consent, customer.email_consent_at = False, now
    after = snapshot(customer, fields=CONTACT_FIELDS)
    if after != before:
        customer.save()
        audit_log_write(
            actor=actor,
            action="customer.update_contact",
            instance=customer,
            before=before,
            after=after,
            reason=reason,
        )
    return customer


def _checked_name(value: str | None, field: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ServiceError("This field is required.", field=f"customer.{field}")
    if len(value) > NAME_MAX_LENGTH:
        raise ServiceError(f"At most {NAME_MAX_LENGTH} characters.", field=f"customer.{field}")
    return value


def _grant_consent(customer: Customer, *, sms_consent: bool, email_consent: bool, now) -> None:
    """Record an explicit opt-in (True, nothing else) on a new customer."""
    if sms_consent is True and customer.phone:
        customer.sms_consent, customer.sms_consent_at, customer.sms_consent_text = True, now, SMS_CONSENT_TEXT
    if email_consent is True:
        customer.email_consent, customer.email_consent_at = True, now
        customer.email_consent_text = EMAIL_CONSENT_TEXT


def _insert_unless_taken(customer: Customer) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: whether the row went in.

    The one statement replaces an insert in a savepoint (three round trips, and Django's
    savepoint bookkeeping, on every new customer of a booking) and still leaves the caller's
    transaction usable when the email's unique index (uq_customers_email) refuses the row. The
    primary key is made here (a UUID), so nothing needs to come back but the row count.
    """
    using = router.db_for_write(Customer)
    fields = [field for field in Customer._meta.concrete_fields if not field.generated]
    query = sql.InsertQuery(Customer, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [customer])
    [(statement, params)] = query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(statement, params)
        inserted = cursor.rowcount == 1
    if inserted:
        customer._state.adding = False
        customer._state.db = using
    return inserted


def _locked_by_email(email: str) -> Customer | None:
    """The customer at this email, locked until commit (one index lookup: customer_by_email)."""
    return customer_by_email(email, queryset=Customer.objects.select_for_update())
