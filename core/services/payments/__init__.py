"""Payments: deposits, balances, refunds, manual payments, and the Stripe events that settle them.

    intents.py      the Stripe customer, and the deposit and balance PaymentIntents
    manual.py       money staff received by hand (cash, Zelle, Venmo)
    refunds.py      refunds asked for by staff or due on a cancellation, sent to Stripe
    events.py       Stripe events stored and processed exactly once, and what each one does
    settlement.py   what money moving means: counted once, statuses in step, booking confirmed or flagged
    ledger.py       what a booking has paid and owes, what a payment can still refund, customer spend
    rows.py         the payment row: kinds and statuses that count, locks, audit, Stripe metadata

What other code may use is re-exported here; the underscored helpers are the package's own.

Rules that hold everywhere here:
- A card payment's Payment row (status pending) is committed BEFORE the call to Stripe, and the
  call carries an idempotency key derived from that row, so a retry never charges or refunds
  twice. Calls to Stripe happen outside our transactions: a slow Stripe never holds row locks.
- Stripe's webhook is the source of truth for card payments and refunds. Its handlers are
  order-independent: a refund can be reconciled before the success of its payment, a failure
  delivered after a success changes nothing.
- Locks are always taken booking first, then payments (original before refund).
- Customer.total_spend_cents follows money actually moved: + when a payment succeeds, - when a
  refund succeeds (and back when a succeeded refund later fails), with F() in the same transaction.
"""

from core.services.bookings.flags import FLAG_REASON_MAX_LENGTH
from core.services.payments.events import (
    MALFORMED_EVENT,
    Outcome,
    payment_charge_refunded_apply,
    payment_dispute_record,
    payment_intent_failed_apply,
    payment_intent_succeeded_apply,
    payment_refund_reconcile,
    stripe_event_process,
    stripe_event_record,
)
from core.services.payments.intents import (
    payment_balance_intent,
    payment_customer_ensure,
    payment_deposit_intent,
    payment_pending_void,
)
from core.services.payments.ledger import booking_balance_due_cents, booking_net_paid_cents
from core.services.payments.manual import payment_record_manual
from core.services.payments.refunds import (
    payment_refund,
    payment_refund_after_cancellation,
    payment_refund_for_cancellation,
    payment_refund_submit,
)
from core.services.payments.rows import (
    MANUAL_METHODS,
    OPEN_REFUND_STATUSES,
    PAID_KINDS,
    PAYMENT_AUDIT_FIELDS,
    RECEIVED_STATUSES,
    STRIPE_ACTOR,
    payment_metadata,
)

__all__ = [
    "FLAG_REASON_MAX_LENGTH",
    "MALFORMED_EVENT",
    "MANUAL_METHODS",
    "OPEN_REFUND_STATUSES",
    "PAID_KINDS",
    "PAYMENT_AUDIT_FIELDS",
    "RECEIVED_STATUSES",
    "STRIPE_ACTOR",
    "Outcome",
    "booking_balance_due_cents",
    "booking_net_paid_cents",
    "payment_balance_intent",
    "payment_charge_refunded_apply",
    "payment_customer_ensure",
    "payment_deposit_intent",
    "payment_dispute_record",
    "payment_intent_failed_apply",
    "payment_intent_succeeded_apply",
    "payment_metadata",
    "payment_pending_void",
    "payment_record_manual",
    "payment_refund",
    "payment_refund_after_cancellation",
    "payment_refund_for_cancellation",
    "payment_refund_reconcile",
    "payment_refund_submit",
    "stripe_event_process",
    "stripe_event_record",
]
