"""Reads of bookings, payments and reviews that are more than one line."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Lower
from django.utils import timezone

from core.availability import slot_starts_at
from core.models import (
    Booking,
    BookingAction,
    Customer,
    MessageThread,
    Payment,
    Review,
    booking_action_allowed,
)
from kernel.contact import normalize_email
from ops.policy import booking_rules
from pricing.models import AddonItem
from pricing.quote import PROTEINS_PER_GUEST


def booking_starts_at(booking: Booking) -> datetime.datetime:
    """The aware start of the event, in the station's local time."""
    return slot_starts_at(station=booking.station, date=booking.date, slot=booking.slot)


# What a booking has paid is defined once, here (read by the payment services' ledger too).
# A deposit or balance received, and perhaps refunded since: payments marks a fully refunded
# payment "refunded" and records each refund as a succeeded row of kind refund.
PAID_KINDS = (Payment.Kind.DEPOSIT, Payment.Kind.BALANCE)
RECEIVED_STATUSES = (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED)
# The two filters every sum of money moved is made of: money in, and money given back.
MONEY_RECEIVED = Q(kind__in=PAID_KINDS, status__in=RECEIVED_STATUSES)
MONEY_REFUNDED = Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED)


def booking_deposit_paid_cents(*, booking: Booking) -> int:
    """The deposit the customer has paid and not had back: deposits received minus their refunds."""
    totals = Payment.objects.filter(booking=booking).aggregate(
        deposits=Sum(
            "amount_cents", filter=Q(kind=Payment.Kind.DEPOSIT, status__in=RECEIVED_STATUSES), default=0
        ),
        refunds=Sum(
            "amount_cents",
            filter=Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED)
            & (Q(refund_of__isnull=True) | Q(refund_of__kind=Payment.Kind.DEPOSIT)),
            default=0,
        ),
    )
    return max(0, totals["deposits"] - totals["refunds"])


def booking_net_paid_cents(booking: Booking) -> int:
    """Deposits and balances received, tips left out, minus refunds that succeeded (one query)."""
    totals = Payment.objects.filter(booking=booking).aggregate(
        paid=Sum(F("amount_cents") - F("tip_cents"), filter=MONEY_RECEIVED, default=0),
        refunded=Sum("amount_cents", filter=MONEY_REFUNDED, default=0),
    )
    return totals["paid"] - totals["refunded"]


def booking_paid_cents(*, booking: Booking) -> int:
    """What the customer has paid in all (deposit and balance) and not had refunded (never below 0)."""
    return max(0, booking_net_paid_cents(booking))


@dataclass(frozen=True)
class BookingMoney:
    """What a booking costs, what was paid for it and what is still owed, read in one query."""

    total_due_cents: int
    paid_cents: int  # paid (deposit and balance) and not refunded, tips left out
    deposit_paid_cents: int  # deposits received minus their refunds
    tips_held_cents: int = 0  # tips for the chef received and not given back

    @property
    def balance_due_cents(self) -> int:
        """The balance: the total minus what was paid and not refunded, never below 0."""
        return max(0, self.total_due_cents - self.paid_cents)

    @property
    def timely_cancel_refund_cents(self) -> int:
        """Everything held: the deposit, any balance, and the tip for a party that will not happen."""
        return (
            self.deposit_paid_cents + max(0, self.paid_cents - self.deposit_paid_cents) + self.tips_held_cents
        )


def booking_money(*, booking: Booking) -> BookingMoney:
    refund = Q(kind=Payment.Kind.REFUND, status=Payment.Status.SUCCEEDED)
    totals = Payment.objects.filter(booking=booking).aggregate(
        paid=Sum(
            "amount_cents", filter=~Q(kind=Payment.Kind.REFUND) & Q(status__in=RECEIVED_STATUSES), default=0
        ),
        tips=Sum(
            "tip_cents", filter=~Q(kind=Payment.Kind.REFUND) & Q(status__in=RECEIVED_STATUSES), default=0
        ),
        refunded=Sum("amount_cents", filter=refund, default=0),
        deposits=Sum(
            "amount_cents", filter=Q(kind=Payment.Kind.DEPOSIT, status__in=RECEIVED_STATUSES), default=0
        ),
        deposit_refunds=Sum(
            "amount_cents",
            filter=refund & (Q(refund_of__isnull=True) | Q(refund_of__kind=Payment.Kind.DEPOSIT)),
            default=0,
        ),
    )
    # Refunds are counted against the booking's money first: what is held beyond it is tip.
    held = totals["paid"] - totals["refunded"]
    return BookingMoney(
        total_due_cents=booking.total_due_cents,
        paid_cents=max(0, held - totals["tips"]),
        deposit_paid_cents=max(0, totals["deposits"] - totals["deposit_refunds"]),
        tips_held_cents=max(0, min(totals["tips"], held)),
    )


def booking_money_of_payments(*, booking: Booking, payments: list[Payment]) -> BookingMoney:
    """booking_money from the booking's payments already read (all of them): no query.

    The same sums as booking_money's; a refund of a payment not in the list (never the case:
    a refund is of a payment of the same booking) is left to booking_money's query.
    """
    by_id = {payment.pk: payment for payment in payments}
    paid = tips = refunded = deposits = deposit_refunds = 0
    for payment in payments:
        received = payment.status in RECEIVED_STATUSES
        if payment.kind == Payment.Kind.REFUND:
            if payment.status != Payment.Status.SUCCEEDED:
                continue
            refunded += payment.amount_cents
            if payment.refund_of_id is None:
                deposit_refunds += payment.amount_cents
            elif payment.refund_of_id not in by_id:
                return booking_money(booking=booking)
            elif by_id[payment.refund_of_id].kind == Payment.Kind.DEPOSIT:
                deposit_refunds += payment.amount_cents
        elif received:
            paid += payment.amount_cents
            tips += payment.tip_cents
            if payment.kind == Payment.Kind.DEPOSIT:
                deposits += payment.amount_cents
    held = paid - refunded
    return BookingMoney(
        total_due_cents=booking.total_due_cents,
        paid_cents=max(0, held - tips),
        deposit_paid_cents=max(0, deposits - deposit_refunds),
        tips_held_cents=max(0, min(tips, held)),
    )


def booking_balance_due_cents(*, booking: Booking) -> int:
    """The balance: what the customer still owes, the total minus what was paid and not refunded
    (never below 0). The one meaning of "balance" in the API, the emails and the staff panel."""
    return booking_money(booking=booking).balance_due_cents


def booking_timely_cancel_refund_cents(*, booking: Booking) -> int:
    """What a customer cancelling before the refund notice gets back: deposit, any balance and tip paid.

    docs/business-rules.md refunds the deposit; a balance is due on the day, and no rule forfeits
    one that was paid ahead, so it is refunded too, with the tip for a party that will not happen.
    """
    return booking_money(booking=booking).timely_cancel_refund_cents


def booking_tips_held_cents(*, booking: Booking) -> int:
    """Tips for the chef received with the booking's payments and not given back."""
    return booking_money(booking=booking).tips_held_cents


def booking_balance_paid_cents(*, booking: Booking) -> int:
    return max(0, booking_paid_cents(booking=booking) - booking_deposit_paid_cents(booking=booking))


@dataclass(frozen=True)
class CustomerActions:
    """What the customer may do through the manage link right now."""

    can_cancel: bool
    cancel_becomes_request: bool  # inside the refund notice: staff decide, no refund unless they choose one
    cancel_refund_cents: int
    can_reschedule: bool
    can_review: bool
    can_pay_deposit: bool
    can_pay_balance: bool
    can_change_party: bool
    # Deadlines (None when the action does not apply to this booking any more).
    pay_deposit_by: datetime.datetime | None
    change_until: datetime.datetime | None  # reschedule, party, menu and address
    cancel_with_refund_until: datetime.datetime | None


def booking_customer_actions(
    *, booking: Booking, now: datetime.datetime | None = None, money: BookingMoney | None = None
) -> CustomerActions:
    """The manage page's buttons, by the same rules the services enforce."""
    now = now or timezone.now()
    money = money or booking_money(booking=booking)
    until_start = booking_starts_at(booking) - now
    rules = booking_rules(booking.station)
    can_cancel = (
        booking.status != Booking.Status.CANCELLATION_REQUESTED
        and booking_action_allowed(booking.status, BookingAction.CANCEL)
        and until_start > datetime.timedelta(0)
    )
    # An unpaid booking cancels outright whenever it is cancelled (nothing is owed back).
    becomes_request = can_cancel and until_start < rules.refund_notice and money.paid_cents > 0
    refund_cents = money.timely_cancel_refund_cents if can_cancel and not becomes_request else 0
    starts_at = now + until_start
    active = booking.status in Booking.ACTIVE_STATUSES
    deposit_awaited = booking.status == Booking.Status.DEPOSIT_PENDING
    return CustomerActions(
        can_pay_deposit=deposit_awaited and money.deposit_paid_cents == 0,
        can_pay_balance=booking.status == Booking.Status.CONFIRMED and money.balance_due_cents > 0,
        can_change_party=booking_action_allowed(booking.status, BookingAction.CHANGE_PARTY)
        and until_start >= rules.change_cutoff,
        pay_deposit_by=booking.deposit_due_at if deposit_awaited else None,
        change_until=starts_at - rules.change_cutoff if active else None,
        cancel_with_refund_until=starts_at - rules.refund_notice if active else None,
        can_cancel=can_cancel,
        cancel_becomes_request=becomes_request,
        cancel_refund_cents=refund_cents,
        can_reschedule=booking_action_allowed(booking.status, BookingAction.RESCHEDULE)
        and until_start >= rules.change_cutoff,
        can_review=booking.status == Booking.Status.COMPLETED
        and not Review.objects.filter(booking=booking).exists(),
    )


def booking_payments(*, booking: Booking) -> QuerySet[Payment]:
    return Payment.objects.filter(booking=booking).order_by("created_at")


def booking_by_idempotency_key(key: str) -> Booking | None:
    return Booking.objects.select_related("station", "customer").filter(idempotency_key=key).first()


def reviews_public() -> QuerySet[Review]:
    """Approved reviews, newest first, with only what the public page shows."""
    return (
        Review.objects.filter(status=Review.Status.APPROVED)
        .select_related("customer")
        .only("id", "rating", "content", "created_at", "customer__first_name", "customer__last_name")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class BookingManageView:
    """What the customer's manage page shows: the booking, its payments and the allowed actions."""

    booking: Booking
    starts_at: datetime.datetime
    payments: list[Payment]
    amount_paid_cents: int
    balance_due_cents: int
    actions: CustomerActions
    # The station's rules in words ("4 days"), for the page that states them (ops/policy.py).
    rules: dict[str, str | int]


def booking_manage_view(*, booking: Booking, now: datetime.datetime | None = None) -> BookingManageView:
    """One query: the payments, from which the money is summed (booking_money_of_payments)."""
    payments = list(booking_payments(booking=booking))
    money = booking_money_of_payments(booking=booking, payments=payments)
    return BookingManageView(
        booking=booking,
        starts_at=booking_starts_at(booking),
        payments=payments,
        amount_paid_cents=money.paid_cents,
        balance_due_cents=money.balance_due_cents,
        actions=booking_customer_actions(booking=booking, now=now, money=money),
        rules=booking_rules(booking.station).as_context(),
    )


# --- The guests' protein choices (the manage page; booking_set_proteins) -----------------


def booking_change_deadline(booking: Booking) -> datetime.datetime:
    """Until when the customer may reschedule, change the party or choose proteins online."""
    return booking_starts_at(booking) - booking_rules(booking.station).change_cutoff


def booking_proteins_open(*, booking: Booking, now: datetime.datetime | None = None) -> bool:
    """Whether the customer may still choose proteins: an upcoming party, before the change cutoff."""
    return booking_action_allowed(booking.status, BookingAction.RESCHEDULE) and (
        now or timezone.now()
    ) <= booking_change_deadline(booking)


def booking_protein_servings_expected(*, booking: Booking) -> int:
    """Base protein servings the party picks: two per adult and kid, less one per upgrade serving."""
    quantities: dict[str, int] = {}
    for item in booking.items or []:
        quantities[item["code"]] = quantities.get(item["code"], 0) + int(item["quantity"])
    upgrade_codes = set(
        AddonItem.objects.filter(code__in=quantities, kind=AddonItem.Kind.UPGRADE).values_list(
            "code", flat=True
        )
    )
    upgrades = sum(quantity for code, quantity in quantities.items() if code in upgrade_codes)
    return max(0, PROTEINS_PER_GUEST * (booking.party_adults + booking.party_kids) - upgrades)


def waiting_threads() -> QuerySet[MessageThread]:
    """Threads whose customer is waiting for staff ("Messages waiting" on the dashboard)."""
    return MessageThread.objects.filter(status=MessageThread.Status.NEEDS_ATTENTION)


def customer_by_email(email: str, *, queryset: QuerySet[Customer] | None = None) -> Customer | None:
    """The customer with this email once both are normalised (kernel.contact.normalize_email).

    The database narrows the candidates by LOWER(email), the expression of the unique index
    (uq_customers_email): one index lookup, where `__iexact` (UPPER) read the whole table.
    Equality of the normalised forms decides, so that a spelling only PostgreSQL's case folding
    equates (dotless "\u0131" for "i") is another address; stored emails are normalised, so the
    one equal to the wanted address has the same LOWER().
    """
    wanted = normalize_email(email or "")
    if not wanted:
        return None
    candidates = (
        (queryset if queryset is not None else Customer.objects.all())
        .alias(email_lower=Lower("email"))
        .filter(email_lower=Lower(Value(wanted)))
        .order_by()
    )
    return next((customer for customer in candidates if normalize_email(customer.email) == wanted), None)
