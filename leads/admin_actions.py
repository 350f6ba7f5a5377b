"""The staff panel's actions on leads: each one calls the lead service the API calls.

Mixed into LeadAdmin (leads/admin.py); the shared plumbing is identity/staff_panel/actions.py.
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from crm.models import Lead
from identity.staff_panel.actions import action_form_response, run_for_each, staff_may, submitted_form
from identity.staff_panel.audit_trail import admin_actor
from leads.services import ContactChannel, lead_change_status, lead_convert, lead_log_contact


class LeadStatusForm(forms.Form):
    # Converted is its own action: it links (or creates) the customer.
    status = forms.ChoiceField(
        choices=[(value, label) for value, label in Lead.Status.choices if value != Lead.Status.CONVERTED]
    )
    reason = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LogContactForm(forms.Form):
    channel = forms.ChoiceField(choices=ContactChannel.CHOICES, label="How you reached them")
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def _lead_label(lead: Lead) -> str:
    return f"{lead.first_name} {lead.last_name}".strip() or f"lead {str(lead.pk)[:8]}"


def _lead_station(lead: Lead):
    return lead.station_id


class LeadActions:
    """Mixed into LeadAdmin: moving a lead along the funnel, and converting it to a customer."""

    actions = ("log_contact", "change_status", "convert_to_customer")

    def has_lead_update_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "lead.update")

    def has_lead_convert_permission(self, request: HttpRequest) -> bool:
        return staff_may(request, "lead.convert")

    @admin.action(description="Change status", permissions=["lead_update"])
    def change_status(self, request: HttpRequest, queryset):
        leads = list(queryset)
        form = submitted_form(request, LeadStatusForm)
        if form.is_bound and form.is_valid():
            status, reason = form.cleaned_data["status"], form.cleaned_data["reason"]
            actor = admin_actor(request)
            run_for_each(
                self,
                request,
                leads,
                permission="lead.update",
                station_of=_lead_station,
                label_of=_lead_label,
                operation=lambda lead: lead_change_status(
                    lead=lead, status=status, actor=actor, reason=reason
                ),
                done=f"Moved {{objects}} to {Lead.Status(status).label.lower()}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=leads,
            form=form,
            title="Change the status of leads",
            action="change_status",
            submit_label="Change status",
        )

    @admin.action(description="Log a contact", permissions=["lead_update"])
    def log_contact(self, request: HttpRequest, queryset):
        leads = list(queryset)
        form = submitted_form(request, LogContactForm)
        if form.is_bound and form.is_valid():
            channel, note = form.cleaned_data["channel"], form.cleaned_data["note"]
            actor = admin_actor(request)
            run_for_each(
                self,
                request,
                leads,
                permission="lead.update",
                station_of=_lead_station,
                label_of=_lead_label,
                operation=lambda lead: lead_log_contact(lead=lead, channel=channel, note=note, actor=actor),
                done="Logged a contact with {objects}.",
            )
            return None
        return action_form_response(
            self,
            request,
            objects=leads,
            form=form,
            title="Log a contact",
            action="log_contact",
            submit_label="Log the contact",
            description="A new lead becomes contacted; the contact is kept in the lead's funnel.",
        )

    @admin.action(description="Convert to a customer", permissions=["lead_convert"])
    def convert_to_customer(self, request: HttpRequest, queryset):
        actor = admin_actor(request)
        run_for_each(
            self,
            request,
            queryset,
            permission="lead.convert",
            station_of=_lead_station,
            label_of=_lead_label,
            operation=lambda lead: lead_convert(lead=lead, actor=actor),
            done="Converted {objects} to customers.",
        )
