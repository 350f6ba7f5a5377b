"""The staff panel's campaign actions: schedule, send now, cancel, back to draft, send a test to myself.

Each calls one service of crm.services.campaigns (the status field itself is never editable),
and reports with message_user; the shared plumbing is identity/staff_panel/actions.py.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone

from crm.models import Campaign
from crm.services import (
    campaign_cancel,
    campaign_schedule,
    campaign_send_now,
    campaign_send_test,
    campaign_unschedule,
)
from identity.staff_panel.actions import (
    action_form_response,
    exactly_one,
    run_for_each,
    staff_may,
    submitted_form,
)
from identity.staff_panel.audit_trail import admin_actor
from kernel.errors import ServiceError


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
        help_text="Your email address (email campaigns) or phone number in E.164, e.g. +15105551234 (SMS).",
    )


def _label(campaign: Campaign) -> str:
    return campaign.name


def _everywhere(campaign: Campaign) -> None:
    return None  # campaigns span every station


class CampaignActions:
    """Mixed into CampaignAdmin."""

    actions = ("schedule", "send_now", "cancel", "back_to_draft", "send_test_to_me")

    def has_campaign_update_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "campaign.update")

    def has_campaign_send_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "campaign.send")

    @admin.action(description="Schedule", permissions=["campaign_update"])
    def schedule(self, request: HttpRequest, queryset):
        campaigns = list(queryset)
        form = submitted_form(request, ScheduleForm)
        if form.is_bound and form.is_valid():
            at: datetime.datetime = form.cleaned_data["scheduled_at"]
            actor = admin_actor(request)
            run_for_each(
                self,
                request,
                campaigns,
                permission="campaign.update",
                station_of=_everywhere,
                label_of=_label,
                operation=lambda campaign: campaign_schedule(campaign=campaign, scheduled_at=at, actor=actor),
                done=f"Scheduled {{objects}} for {timezone.localtime(at):%Y-%m-%d %H:%M}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=campaigns,
            form=form,
            title="Schedule campaigns",
            action="schedule",
            submit_label="Schedule",
            description="Their content and segment are locked once scheduled (back to draft to edit).",
        )

    @admin.action(description="Send now", permissions=["campaign_send"])
    def send_now(self, request: HttpRequest, queryset):
        actor = admin_actor(request)
        run_for_each(
            self,
            request,
            queryset,
            permission="campaign.send",
            station_of=_everywhere,
            label_of=_label,
            operation=lambda campaign: campaign_send_now(campaign=campaign, actor=actor),
            done="Sending {objects} now: the figures fill in as the messages go out.",
        )

    @admin.action(description="Cancel", permissions=["campaign_update"])
    def cancel(self, request: HttpRequest, queryset):
        campaigns = list(queryset)
        form = submitted_form(request, CancelForm)
        if form.is_bound and form.is_valid():
            actor = admin_actor(request)
            reason = form.cleaned_data["reason"]
            run_for_each(
                self,
                request,
                campaigns,
                permission="campaign.update",
                station_of=_everywhere,
                label_of=_label,
                operation=lambda campaign: campaign_cancel(campaign=campaign, actor=actor, reason=reason),
                done="Cancelled {objects}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=campaigns,
            form=form,
            title="Cancel campaigns",
            action="cancel",
            submit_label="Cancel the campaigns",
            description="Nothing more is sent; messages already sent stay sent.",
        )

    @admin.action(description="Back to draft (to edit)", permissions=["campaign_update"])
    def back_to_draft(self, request: HttpRequest, queryset):
        actor = admin_actor(request)
        run_for_each(
            self,
            request,
            queryset,
            permission="campaign.update",
            station_of=_everywhere,
            label_of=_label,
            operation=lambda campaign: campaign_unschedule(campaign=campaign, actor=actor),
            done="Moved {objects} back to draft.",
        )

    @admin.action(description="Send a test to myself", permissions=["campaign_update"])
    def send_test_to_me(self, request: HttpRequest, queryset):
        campaign = exactly_one(self, request, queryset, "campaign")
        if campaign is None:
            return None
        user = request.user
        initial = {
            "to": user.email if campaign.channel == Campaign.Channel.EMAIL else getattr(user, "phone", "")
        }
        form = submitted_form(request, TestSendForm, initial=initial)
        if form.is_bound and form.is_valid():
            try:
                campaign_send_test(
                    campaign=campaign,
                    actor=admin_actor(request),
                    to=form.cleaned_data["to"].strip(),
                    first_name=user.first_name,
                )
            except ServiceError as error:
                self.message_user(request, f"{campaign.name}: {error.message}", level=messages.ERROR)
                return None
            self.message_user(
                request,
                f"Sent a test of {campaign.name} to {form.cleaned_data['to']}.",
                level=messages.SUCCESS,
            )
            return None
        return action_form_response(
            self,
            request,
            objects=[campaign],
            form=form,
            title="Send a test to myself",
            action="send_test_to_me",
            submit_label="Send the test",
            description="A test counts toward no cap and changes nothing on the campaign.",
        )
