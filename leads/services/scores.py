"""Keeping a lead's stored score and quality in step with leads.scoring."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from crm.models import Lead
from leads.models import LeadContext, LeadEvent
from leads.scoring import RECENT_EVENT_DAYS, lead_quality, lead_score


@transaction.atomic
def lead_score_refresh(*, lead: Lead) -> Lead:
    """Recompute the lead's score and quality (scores age: recent events and the event date)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    before = snapshot(lead, fields=["score", "quality"])
    if rescore(lead, LeadContext.objects.filter(lead=lead).first(), now=timezone.now()):
        audit_log_write(
            actor=Actor.system(label="lead scoring"),
            action="lead.score_updated",
            instance=lead,
            before=before,
            after=snapshot(lead, fields=["score", "quality"]),
        )
    return lead


def rescore(lead: Lead, context: LeadContext | None, *, now: datetime.datetime) -> bool:
    """Store the lead's score and quality as of now; a score_updated event when the score moved.

    Part of the caller's transaction, with the lead locked by it; True when anything changed.
    score_updated events do not count as recent activity: they are the score's own
    bookkeeping, and counting them would raise the score at every recomputation.
    """
    score = lead_score(
        source=lead.source,
        party_adults=context.party_adults if context else None,
        budget_cents=context.budget_cents if context else None,
        event_date=context.event_date if context else None,
        verified_contacts=lead.contacts.filter(verified=True).count(),
        recent_events=lead.events.filter(occurred_at__gt=now - datetime.timedelta(days=RECENT_EVENT_DAYS))
        .exclude(event_type=LeadEvent.Type.SCORE_UPDATED)
        .count(),
        today=timezone.localdate(now),
    )
    quality = lead_quality(score)
    if score == lead.score and quality == lead.quality:
        return False
    previous_score = lead.score
    lead.score, lead.quality = score, quality
    lead.save(update_fields=["score", "quality", "updated_at"])
    if score != previous_score:
        LeadEvent.objects.create(
            lead=lead,
            event_type=LeadEvent.Type.SCORE_UPDATED,
            payload={"from": previous_score, "to": score, "quality": quality},
            occurred_at=now,
        )
    return True
