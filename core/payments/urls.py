from django.urls import path

from core.payments.api import (
    BalanceIntentCreateApi,
    DepositIntentCreateApi,
    FakePaymentIntentSucceedApi,
    StripeWebhookReceiveApi,
)

urlpatterns = [
    path(
        "bookings/manage/<str:token>/deposit/",
        DepositIntentCreateApi.as_view(),
        name="booking-deposit-intent-create",
    ),
    path(
        "bookings/manage/<str:token>/balance/",
        BalanceIntentCreateApi.as_view(),
        name="booking-balance-intent-create",
    ),
    path("payments/stripe/webhook/", StripeWebhookReceiveApi.as_view(), name="stripe-webhook-receive"),
    path(
        "payments/fake/<str:payment_intent_id>/succeed/",
        FakePaymentIntentSucceedApi.as_view(),
        name="fake-payment-intent-succeed",
    ),
]
