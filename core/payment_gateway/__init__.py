"""The card processor behind the payment services.

    gateway.py         the interface: PaymentGateway (Protocol), PaymentIntent, Refund, PaymentGatewayError
    stripe_gateway.py  StripeGateway, through the official library
    fake_gateway.py    FakeGateway: no account, no network (development, demo, tests)
    factory.py         get_gateway(): which one is configured

Only the payment services (core/services/payments/) call a gateway; the HTTP edge
(core/payments/: endpoints and the Stripe webhook) calls the services.
"""
