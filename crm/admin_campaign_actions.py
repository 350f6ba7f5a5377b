"""The staff panel's campaign actions: schedule, send now, cancel, back to draft, send a test to myself.

Declared on the staff-panel kit (identity/staff_panel/actions.py): each calls one service of
crm.services.campaigns (the status field itself is never editable) and reports per campaign.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from crm.models import Campaign
from crm.services import (
    campaign_cancel,
    campaign_schedule,
    campaign_send_now,
    campaign_send_test,
    campaign_unschedule,
)
from identity.staff_panel.actions import ActionTarget, StaffAction, staff_actions


class ScheduleForm(forms.Form):
    scheduled_at = forms.SplitDateTimeField(
        label="Send at",
        help_text="In the business's time zone. A time that has passed means: at the next minute.",
        widget=forms.SplitDateTimeWidget(date_attrs={"type": "date"}, time_attrs={"type": "time"}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class TestSendForm(forms.Form):
    to = forms.CharField(
        label="Send to",
        max_length=254,
        help_text="Your email address (email campaigns) or phone number, e.g. +15105551234 (SMS).",
    )

    def __init__(self, *args: Any, first_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_name = first_name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["first_name"] = self.first_name  # the test is addressed to the staff member
        return cleaned


def _test_send_kwargs(request, campaigns: list[Campaign]) -> dict[str, Any]:
    user = request.user
    to = user.email if campaigns[0].channel == Campaign.Channel.EMAIL else getattr(user, "phone", "")
    return {"initial": {"to": to}, "first_name": user.first_name}


def _scheduled_for(data: dict[str, Any]) -> str:
    return f"Scheduled {{objects}} for {timezone.localtime(data['scheduled_at']):%Y-%m-%d %H:%M}."


@staff_actions(
    StaffAction(
        name="schedule",
        description="Schedule",
        permission="campaign.update",
        form=ScheduleForm,
        title="Schedule campaigns",
        submit_label="Schedule",
        explain="Their content and segment are locked once scheduled (back to draft to edit).",
        service=lambda campaign, data, actor: campaign_schedule(
            campaign=campaign, scheduled_at=data["scheduled_at"], actor=actor
        ),
        done=_scheduled_for,
    ),
    StaffAction(
        name="send_now",
        description="Send now",
        permission="campaign.send",
        service=lambda campaign, data, actor: campaign_send_now(campaign=campaign, actor=actor),
        done="Sending {objects} now: the figures fill in as the messages go out.",
    ),
    StaffAction(
        name="cancel",
        description="Cancel",
        permission="campaign.update",
        form=CancelForm,
        title="Cancel campaigns",
        submit_label="Cancel the campaigns",
        explain="Nothing more is sent; messages already sent stay sent.",
        service=lambda campaign, data, actor: campaign_cancel(
            campaign=campaign, actor=actor, reason=data["reason"]
        ),
        done="Cancelled {objects}.",
    ),
    StaffAction(
        name="back_to_draft",
        description="Back to draft (to edit)",
        permission="campaign.update",
        service=lambda campaign, data, actor: campaign_unschedule(campaign=campaign, actor=actor),
        done="Moved {objects} back to draft.",
    ),
    StaffAction(
        name="send_test_to_me",
        description="Send a test to myself",
        permission="campaign.update",
        form=TestSendForm,
        form_kwargs=_test_send_kwargs,
        one_at_a_time=True,
        title="Send a test to myself",
        submit_label="Send the test",
        explain="A test counts toward no cap and changes nothing on the campaign.",
        service=lambda campaign, data, actor: campaign_send_test(
            campaign=campaign, actor=actor, to=data["to"].strip(), first_name=data["first_name"]
        ),
        done=lambda data: f"Sent a test of {{objects}} to {data['to']}.",
    ),
    target=ActionTarget(what="campaign", label_of=lambda campaign: campaign.name, station_of=lambda _: None),
)
class CampaignActions:
    """Mixed into CampaignAdmin (campaigns span every station)."""
