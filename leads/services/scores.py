"""Keeping a lead's stored score and quality in step with leads.scoring."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from crm.models import Lead
from leads.models import LeadContext, LeadEvent
from leads.scoring import RECENT_EVENT_DAYS, lead_quality, lead_score
from leads.services.matching import CLOSED_STATUSES


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


RESCORE_BATCH_SIZE = 500
RESCORE_ACTOR = Actor.system(label="lead re-scoring")
# The aging sweep runs every 15 minutes and looks back an hour: a missed run is caught up.
AGING_LOOKBACK = datetime.timedelta(hours=1)


def leads_rescore(
    *, now: datetime.datetime | None = None, only_aging: bool = False, batch_size: int = RESCORE_BATCH_SIZE
) -> int:
    """Re-score open leads in batches (each its own transaction, SKIP LOCKED); the number changed.

    Scores drift as time passes: a lead event stops counting 7 days after it happened, and
    the event date moves in or out of its window. `only_aging`: just the leads with an event
    that turned 7 days old within the last hour (the frequent sweep); else every open lead
    (the nightly one).
    """
    now = now or timezone.now()
    open_leads = Lead.objects.exclude(status__in=CLOSED_STATUSES)
    if only_aging:
        aged_past = now - datetime.timedelta(days=RECENT_EVENT_DAYS)
        open_leads = open_leads.filter(
            pk__in=LeadEvent.objects.filter(
                occurred_at__lte=aged_past, occurred_at__gt=aged_past - AGING_LOOKBACK
            )
            .exclude(event_type=LeadEvent.Type.SCORE_UPDATED)
            .values("lead_id")
        )
    changed = 0
    after = None
    while True:
        with transaction.atomic():
            batch = open_leads.order_by("pk")
            if after is not None:
                batch = batch.filter(pk__gt=after)
            leads = list(batch.select_for_update(skip_locked=True)[:batch_size])
            if not leads:
                return changed
            contexts = {context.lead_id: context for context in LeadContext.objects.filter(lead__in=leads)}
            for lead in leads:
                before = snapshot(lead, fields=["score", "quality"])
                if rescore(lead, contexts.get(lead.pk), now=now):
                    changed += 1
                    audit_log_write(
                        actor=RESCORE_ACTOR,
                        action="lead.score_updated",
                        instance=lead,
                        before=before,
                        after=snapshot(lead, fields=["score", "quality"]),
                    )
            after = leads[-1].pk
            if len(leads) < batch_size:
                return changed
