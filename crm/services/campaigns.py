"""A campaign's lifecycle: draft → scheduled → sending → sent, or cancelled (DOMAIN.md "Campaigns").

Every status change is one of these services (the admin's actions call them; the status field
is never edited): each locks the campaign, checks CAMPAIGN_TRANSITIONS, is idempotent, audits.
A scheduled campaign's content, channel and segment are locked: back to draft to edit them.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from audit.actor import Actor
from audit.services import audit_log_write, snapshot
from core.models import Notification
from core.services.messaging import notification_claim
from crm.content import campaign_content_check
from crm.models import Campaign, CustomerSegment
from identity.models import Station
from kernel.contact import normalize_phone
from kernel.error_codes import CommonErrors
from kernel.errors import ConflictError, ServiceError
from kernel.queue import enqueue_on_commit

Status = Campaign.Status

# The one transition table: action → (statuses it is allowed from, status it leads to).
CAMPAIGN_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "schedule": (frozenset({Status.DRAFT}), Status.SCHEDULED),
    "unschedule": (frozenset({Status.SCHEDULED}), Status.DRAFT),
    "send_now": (frozenset({Status.DRAFT, Status.SCHEDULED}), Status.SCHEDULED),
    "start_sending": (frozenset({Status.SCHEDULED}), Status.SENDING),
    "finish_sending": (frozenset({Status.SENDING}), Status.SENT),
    "cancel": (frozenset({Status.DRAFT, Status.SCHEDULED, Status.SENDING}), Status.CANCELLED),
}
# What may not change once a campaign has left draft, and the statuses that also lock its
# segment's rules (the admin refuses rule edits then).
LOCKED_FIELDS = ("channel", "segment", "subject", "content")
LOCKING_STATUSES = (Status.SCHEDULED, Status.SENDING)
AUDITED_FIELDS = ["status", "scheduled_at", "sent_at", "segment", "channel", "subject", "content"]
MARKETING_KIND = {
    Campaign.Channel.EMAIL: Notification.Kind.MARKETING_EMAIL,
    Campaign.Channel.SMS: Notification.Kind.MARKETING_SMS,
}


ACTION_WORDS = {
    "schedule": "scheduled",
    "unschedule": "moved back to draft",
    "send_now": "sent now",
    "start_sending": "sent",
    "finish_sending": "marked sent",
    "cancel": "cancelled",
}


def _refuse_unless_allowed(campaign: Campaign, action: str) -> None:
    sources, _target = CAMPAIGN_TRANSITIONS[action]
    if campaign.status not in sources:
        raise ConflictError(
            f"A {campaign.get_status_display().lower()} campaign cannot be {ACTION_WORDS[action]}.",
            field="status",
            code=CommonErrors.INVALID_TRANSITION,
        )


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def campaign_transition(
    campaign: Campaign, *, action: str, actor: Actor, reason: str = "", **changes
) -> Campaign:
    """Write the status CAMPAIGN_TRANSITIONS gives `action` (and `changes`), with its audit row.

    The one place a campaign's status is written; the caller holds the row lock and has
    checked the transition.
    """
    before = snapshot(campaign, fields=AUDITED_FIELDS)
    campaign.status = CAMPAIGN_TRANSITIONS[action][1]
    for name, value in changes.items():
        setattr(campaign, name, value)
    campaign.save(update_fields=["status", *changes, "updated_at"])
    audit_log_write(
        actor=actor,
        action=f"campaign.{action}",
        instance=campaign,
        before=before,
        after=snapshot(campaign, fields=AUDITED_FIELDS),
        reason=reason,
    )
    return campaign


def campaign_check_ready(campaign: Campaign) -> None:
    """Refuse a campaign that cannot be sent as it stands (no segment, content that does not fit)."""
    if campaign.segment_id is None:
        raise ServiceError("Choose a segment.", field="segment")
    segment = CustomerSegment.objects.get(pk=campaign.segment_id)
    if not segment.is_active:
        raise ServiceError(f"The segment “{segment.name}” is not active.", field="segment")
    longest_station = max(
        Station.objects.filter(is_active=True).values_list("name", flat=True), key=len, default=""
    )
    campaign_content_check(
        channel=campaign.channel,
        subject=campaign.subject,
        content=campaign.content,
        station_name=longest_station,
    )


@transaction.atomic
def campaign_schedule(*, campaign: Campaign, scheduled_at: datetime.datetime, actor: Actor) -> Campaign:
    """Schedule a draft for `scheduled_at` (a past time means: at the next minute's run)."""
    campaign = _locked(campaign)
    if campaign.status == Status.SCHEDULED and campaign.scheduled_at == scheduled_at:
        return campaign
    _refuse_unless_allowed(campaign, "schedule")
    campaign_check_ready(campaign)
    return campaign_transition(campaign, action="schedule", actor=actor, scheduled_at=scheduled_at)


@transaction.atomic
def campaign_unschedule(*, campaign: Campaign, actor: Actor) -> Campaign:
    """Back to draft (to edit it); a no-op for a draft."""
    campaign = _locked(campaign)
    if campaign.status == Status.DRAFT:
        return campaign
    _refuse_unless_allowed(campaign, "unschedule")
    return campaign_transition(campaign, action="unschedule", actor=actor, scheduled_at=None)


@transaction.atomic
def campaign_send_now(*, campaign: Campaign, actor: Actor) -> Campaign:
    """Make the campaign due at once and start sending it after commit (the minute job would too)."""
    campaign = _locked(campaign)
    if campaign.status in (Status.SENDING, Status.SENT):
        return campaign
    _refuse_unless_allowed(campaign, "send_now")
    campaign_check_ready(campaign)
    campaign = campaign_transition(campaign, action="send_now", actor=actor, scheduled_at=timezone.now())
    enqueue_on_commit("crm.campaign_send", str(campaign.pk))
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: Actor, reason: str = "") -> Campaign:
    """Stop a campaign: nothing more is claimed, and queued deliveries are skipped when their turn comes."""
    campaign = _locked(campaign)
    if campaign.status == Status.CANCELLED:
        return campaign
    _refuse_unless_allowed(campaign, "cancel")
    return campaign_transition(campaign, action="cancel", actor=actor, reason=reason)


@transaction.atomic
def campaign_send_test(
    *, campaign: Campaign, actor: Actor, to: str, first_name: str = ""
) -> Notification | None:
    """Send the campaign as a customer would get it, to one staff address (email) or phone (SMS).

    A test is not a delivery: it counts toward no cap and changes nothing on the campaign.
    """
    campaign = Campaign.objects.select_related("segment").get(pk=campaign.pk)
    if not to:
        raise ServiceError("Give an address to send the test to.", field="to")
    if campaign.channel == Campaign.Channel.SMS:
        to = normalize_phone(to, field="to")
    else:
        try:
            validate_email(to)
        except DjangoValidationError:
            raise ServiceError("Enter a valid email address.", field="to") from None
    campaign_content_check(channel=campaign.channel, subject=campaign.subject, content=campaign.content)
    station = (
        Station.objects.filter(is_active=True).order_by("created_at").values_list("name", flat=True).first()
    )
    notification = notification_claim(
        kind=MARKETING_KIND[campaign.channel],
        channel=campaign.channel,
        occurrence=f"test:{uuid.uuid4().hex[:16]}",
        recipient=to,
        context={
            "campaign_id": str(campaign.pk),
            "test": True,
            "first_name": first_name,
            "station": station or "",
        },
    )
    audit_log_write(
        actor=actor,
        action="campaign.send_test",
        instance=campaign,
        after={"to": to},
    )
    return notification
