"""Which payment gateway is used: Stripe when STRIPE_SECRET_KEY is set, else the fake.

The fake keeps development and the demo working without a Stripe account, and nothing reaches
the network; in production without a key there are no card payments at all.
"""

import logging

from django.conf import settings

from core.payment_gateway.fake_gateway import FakeGateway
from core.payment_gateway.gateway import PaymentGateway, PaymentGatewayError
from core.payment_gateway.stripe_gateway import StripeGateway

logger = logging.getLogger(__name__)


def stripe_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


_stripe_gateways: dict[tuple, PaymentGateway] = {}


def get_gateway() -> PaymentGateway:
    """The configured gateway: Stripe with a secret key, the fake without one (never in production)."""
    if stripe_configured():
        key = (
            settings.STRIPE_SECRET_KEY,
            settings.STRIPE_PUBLISHABLE_KEY,
            settings.STRIPE_TIMEOUT_SECONDS,
            settings.STRIPE_MAX_NETWORK_RETRIES,
        )
        gateway = _stripe_gateways.get(key)
        if gateway is None:
            # One client per configuration: it keeps its HTTP connection pool between calls.
            gateway = _stripe_gateways[key] = StripeGateway(
                secret_key=settings.STRIPE_SECRET_KEY,
                publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
                timeout_seconds=settings.STRIPE_TIMEOUT_SECONDS,
                max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
            )
        return gateway
    if settings.PRODUCTION:
        # Production settings do not require Stripe (the site can run while payments are set
        # up), but a fake "payment" there would be a lie: no card payments until configured.
        logger.error("STRIPE_SECRET_KEY is not set in production: card payments are unavailable")
        raise PaymentGatewayError("Card payments are not available at the moment.")
    return FakeGateway()
