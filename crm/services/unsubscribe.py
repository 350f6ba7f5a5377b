"""Unsubscribing from marketing email through the signed link (a page's button, or RFC 8058 one-click)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from core.services.messaging import customer_email_consent_revoke
from crm.models import CampaignDelivery


@transaction.atomic
def delivery_unsubscribe(*, delivery: CampaignDelivery, actor: Actor, method: str) -> bool:
    """Withdraw the delivery's customer's email-marketing consent at once, audited; idempotent.

    Later campaigns skip the customer (skipped_unsubscribed). Transactional emails still go.
    True when this call withdrew it (False: it was withdrawn already).
    """
    delivery = (
        CampaignDelivery.objects.select_for_update()
        .select_related("customer", "campaign")
        .get(pk=delivery.pk)
    )
    withdrawn = customer_email_consent_revoke(
        customer=delivery.customer,
        actor=actor,
        reason=f"unsubscribed ({method}) from campaign “{delivery.campaign.name}”",
    )
    if delivery.unsubscribed_at is None:
        delivery.unsubscribed_at = timezone.now()
        delivery.save(update_fields=["unsubscribed_at", "updated_at"])
    return withdrawn
