"""The payment step: the deposit, or the balance of a confirmed booking.

With Stripe configured, the Stripe Payment Element confirms the PaymentIntent our service made,
and Stripe sends the customer back to the confirmation page; the webhook is the source of truth
and this page never marks anything paid. With the fake gateway (development, demo, tests) a
clearly labelled test card form drives the fake intent to succeeded through the same event
processing as the webhook.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.models import Booking
from core.payment_gateway.factory import stripe_configured
from core.payment_gateway.gateway import PaymentGatewayError
from core.payments.webhooks import fake_payment_intent_succeed
from core.selectors import booking_manage_view
from core.services.payments import payment_balance_intent, payment_deposit_intent
from core.services.payments.ledger import booking_balance_due_cents
from kernel.errors import ServiceError
from pricing.quote import gratuity_suggestions
from website.forms import TipForm
from website.middleware import allow_stripe
from website.throttle import throttled_response
from website.views.common import booking_for_token, render_for_booking

DEPOSIT, BALANCE = "deposit", "balance"


def fake_payments_enabled() -> bool:
    """The test card form: only with the fake gateway and never in production (as the fake endpoint)."""
    return not settings.PRODUCTION and not stripe_configured()


def _what_is_due(booking: Booking) -> str | None:
    if booking.status == Booking.Status.DEPOSIT_PENDING and booking.deposit_due_cents > 0:
        return DEPOSIT
    if booking.status == Booking.Status.CONFIRMED and booking_balance_due_cents(booking) > 0:
        return BALANCE
    return None


def _intent(booking: Booking, kind: str, *, tip_cents: int = 0) -> dict[str, Any] | None:
    if kind == DEPOSIT:
        return payment_deposit_intent(booking=booking)
    return payment_balance_intent(booking=booking, tip_cents=tip_cents)


def _tip_form(request: HttpRequest, booking: Booking) -> TipForm:
    """The balance's tip choice: from the GET form, carried along in the POST of the test card."""
    data = request.POST if request.method == "POST" else request.GET
    return TipForm(
        data if "tip" in data else None,
        suggestions=gratuity_suggestions(total_cents=booking.total_due_cents),
    )


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    booking = booking_for_token(request, token)
    kind = _what_is_due(booking)
    if kind is None:
        return redirect("website:manage", token=token)
    if request.method == "POST":
        if limited := throttled_response(request, "manage"):
            return limited
        if not fake_payments_enabled():
            raise Http404("Card payments go through Stripe here.")
        if request.POST.get("kind") != kind:
            # A second click on "Pay deposit" after the deposit went through must not pay the balance.
            return redirect("website:manage", token=token)
    context: dict[str, Any] = {
        "booking": booking,
        "token": token,
        "kind": kind,
        "view": booking_manage_view(booking=booking),
        "fake": fake_payments_enabled(),
    }
    tip_cents = 0
    if kind == BALANCE:
        tip_form = context["tip_form"] = _tip_form(request, booking)
        if tip_form.is_bound:
            if not tip_form.is_valid():
                return render_for_booking(request, "site/pay.html", context, status=400, booking=booking)
            tip_cents = tip_form.tip_cents()
    try:
        intent = _intent(booking, kind, tip_cents=tip_cents)
    except PaymentGatewayError:
        context["error"] = "gateway"
        return render_for_booking(request, "site/pay.html", context, status=503, booking=booking)
    except ServiceError as exc:
        if exc.field == "tip_cents":
            context["tip_form"].add_error("tip_amount", exc.message)
            return render_for_booking(request, "site/pay.html", context, status=400, booking=booking)
        context["error_message"] = exc.message
        return render_for_booking(request, "site/pay.html", context, status=409, booking=booking)
    if intent is None:
        return redirect("website:manage", token=token)
    context["intent"] = intent
    context["tip_cents"], context["due_cents"] = tip_cents, intent["amount_cents"] - tip_cents

    if request.method == "POST":
        fake_payment_intent_succeed(payment_intent_id=intent["payment_intent_id"])
        return redirect(f"{reverse('website:paid', args=[token])}?kind={kind}")
    if not context["fake"]:
        allow_stripe(request)
        context["return_url"] = request.build_absolute_uri(
            f"{reverse('website:paid', args=[token])}?kind={kind}"
        )
    return render_for_booking(request, "site/pay.html", context, booking=booking)


@require_GET
def paid(request: HttpRequest, token: str) -> HttpResponse:
    """Where a payment comes back to: the booking's state as the webhook left it (polled while pending)."""
    booking = booking_for_token(request, token)
    kind = BALANCE if request.GET.get("kind") == BALANCE else DEPOSIT
    failed = request.GET.get("redirect_status") == "failed"
    context = {
        "booking": booking,
        "token": token,
        "kind": kind,
        "view": booking_manage_view(booking=booking),
        "failed": failed,
        # Until the webhook has recorded it, the payment is still due: keep polling.
        "waiting": not failed and _what_is_due(booking) == kind,
    }
    template = "site/_paid_status.html" if request.headers.get("HX-Request") == "true" else "site/paid.html"
    return render_for_booking(request, template, context, booking=booking)
