"""Lead follow-up (docs/business-rules.md "Scheduled work"): staff are alerted to new leads nobody has
contacted within 2 hours, and to quote requests not booked after 24 hours.

A sweep like core's (core/services/reminders.py): due leads are locked with SKIP LOCKED and
one staff alert per lead and kind is claimed through core's notification service, whose
unique constraint makes each alert go out once however often, or however concurrently, the
sweep runs. Task modules are leaves (nothing imports them), so calling core's services from
here makes no import cycle; leads.services itself stays free of core.services.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.models import Notification
from core.notifications.render import date_label, datetime_label
from core.services.messaging import notification_claim
from crm.models import Lead
from kernel.money import format_cents
from leads.models import LeadContact, LeadContext, LeadEvent
from leads.services import CLOSED_STATUSES, lead_funnel_event_record, leads_rescore

Kind = Notification.Kind
BATCH_SIZE = 500
NOT_CONTACTED_AFTER = datetime.timedelta(hours=2)
QUOTE_NOT_BOOKED_AFTER = datetime.timedelta(hours=24)
# Older leads are past a useful reminder (and the first deployment does not flood staff).
FOLLOW_UP_UNTIL = datetime.timedelta(days=7)
MESSAGE_EXCERPT_LENGTH = 500


def lead_follow_up_alerts_send(*, now: datetime.datetime | None = None) -> int:
    """Claim the staff alerts of leads due for a follow-up; the number of alerts."""
    now = now or timezone.now()
    not_contacted = Lead.objects.filter(
        status=Lead.Status.NEW,
        contacted_at__isnull=True,
        created_at__lte=now - NOT_CONTACTED_AFTER,
        created_at__gt=now - FOLLOW_UP_UNTIL,
    )
    quote_not_booked = Lead.objects.exclude(status__in=CLOSED_STATUSES).filter(
        Exists(
            LeadEvent.objects.filter(
                lead=OuterRef("pk"),
                event_type=LeadEvent.Type.QUOTE_REQUESTED,
                occurred_at__lte=now - QUOTE_NOT_BOOKED_AFTER,
                occurred_at__gt=now - FOLLOW_UP_UNTIL,
            )
        )
    )
    return _claim_alerts(
        not_contacted, kind=Kind.STAFF_LEAD_NOT_CONTACTED, overdue_after=NOT_CONTACTED_AFTER
    ) + _claim_alerts(
        quote_not_booked, kind=Kind.STAFF_QUOTE_NOT_BOOKED, overdue_after=QUOTE_NOT_BOOKED_AFTER
    )


def _claim_alerts(due: QuerySet[Lead], *, kind: str, overdue_after: datetime.timedelta) -> int:
    with transaction.atomic():
        already = Notification.objects.filter(kind=kind, lead_id=OuterRef("pk"))
        leads = list(
            due.filter(~Exists(already))
            .order_by("created_at")
            .select_for_update(skip_locked=True)[:BATCH_SIZE]
        )
        claimed = 0
        for lead in leads:
            if notification_claim(
                kind=kind,
                channel=Notification.Channel.EMAIL,
                lead_id=lead.pk,
                context=_alert_context(lead, overdue_after=overdue_after),
            ):
                claimed += 1
    return claimed


def _alert_context(lead: Lead, *, overdue_after: datetime.timedelta) -> dict[str, Any]:
    """What the alert shows staff, as it is now (JSON: stored with the notification).

    `overdue_hours`: the threshold that made it due, for the wording ("after 24 h"); the
    templates never write it themselves.
    """
    contacts = dict(
        LeadContact.objects.filter(lead=lead)
        .order_by("-created_at")
        .values_list("channel", "handle_or_address")
    )
    context = LeadContext.objects.filter(lead=lead).first()
    quote = (
        LeadEvent.objects.filter(lead=lead, event_type=LeadEvent.Type.QUOTE_REQUESTED)
        .order_by("-occurred_at")
        .values_list("payload", flat=True)
        .first()
    )
    station = lead.station
    zone = ZoneInfo(station.timezone if station else settings.TIME_ZONE)
    total_cents = (quote or {}).get("total_cents")
    return {
        "station_id": str(lead.station_id) if lead.station_id else None,
        "overdue_hours": int(overdue_after.total_seconds() // 3600),
        "lead": {
            "name": f"{lead.first_name} {lead.last_name}".strip() or "Unnamed lead",
            "source": lead.get_source_display(),
            "status": lead.get_status_display(),
            "score": lead.score,
            "quality": lead.get_quality_display(),
            "station": station.name if station else "",
            "created_at": datetime_label(lead.created_at, zone),
            "email": contacts.get(LeadContact.Channel.EMAIL, ""),
            "phone": contacts.get(LeadContact.Channel.PHONE, ""),
            "event_date": date_label(context.event_date) if context and context.event_date else "",
            "party_adults": context.party_adults if context else None,
            "party_kids": context.party_kids if context else None,
            "zip_code": context.zip_code if context else "",
            "quote_total": format_cents(total_cents) if isinstance(total_cents, int) else "",
            "message": (context.message if context else "")[:MESSAGE_EXCERPT_LENGTH],
            "admin_url": f"{settings.SITE_URL}/admin/crm/lead/{lead.pk}/change/",
        },
    }


@shared_task(
    name="leads.follow_up_alerts_send",
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=True,
    retry_jitter=True,
)
def follow_up_alerts_send() -> int:
    return lead_follow_up_alerts_send()


@shared_task(
    name="leads.rescore_nightly",
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=True,
    retry_jitter=True,
)
def rescore_nightly() -> int:
    return leads_rescore()


@shared_task(
    name="leads.rescore_aging",
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=True,
    retry_jitter=True,
)
def rescore_aging() -> int:
    return leads_rescore(only_aging=True)


# Enqueued by name (kernel.queue) by the assistant when it checks availability for a lead's
# contact: ai may not import leads.


@shared_task(
    name="leads.funnel_event_record", autoretry_for=(OperationalError, InterfaceError), max_retries=3
)
def funnel_event_record(
    event_type: str, email: str = "", phone: str = "", payload: dict | None = None
) -> bool:
    return (
        lead_funnel_event_record(event_type=event_type, email=email, phone=phone, payload=payload) is not None
    )
