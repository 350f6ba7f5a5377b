"""The staff panel's actions on leads: each one calls the lead service the API calls.

Mixed into LeadAdmin (leads/admin.py), declared on the staff-panel kit (identity/staff_panel/actions.py).
"""

from django import forms

from crm.models import Lead
from identity.staff_panel.actions import ActionTarget, StaffAction, staff_actions
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


LEAD = ActionTarget(
    what="lead",
    label_of=lambda lead: f"{lead.first_name} {lead.last_name}".strip() or f"lead {str(lead.pk)[:8]}",
    station_of=lambda lead: lead.station_id,
)


@staff_actions(
    StaffAction(
        name="log_contact",
        description="Log a contact",
        permission="lead.update",
        form=LogContactForm,
        title="Log a contact",
        submit_label="Log the contact",
        explain="A new lead becomes contacted; the contact is kept in the lead's funnel.",
        service=lambda lead, data, actor: lead_log_contact(
            lead=lead, channel=data["channel"], note=data["note"], actor=actor
        ),
        done="Logged a contact with {objects}.",
    ),
    StaffAction(
        name="change_status",
        description="Change status",
        permission="lead.update",
        form=LeadStatusForm,
        title="Change the status of leads",
        submit_label="Change status",
        service=lambda lead, data, actor: lead_change_status(
            lead=lead, status=data["status"], actor=actor, reason=data["reason"]
        ),
        done=lambda data: f"Moved {{objects}} to {Lead.Status(data['status']).label.lower()}.",
    ),
    StaffAction(
        name="convert_to_customer",
        description="Convert to a customer",
        permission="lead.convert",
        service=lambda lead, data, actor: lead_convert(lead=lead, actor=actor),
        done="Converted {objects} to customers.",
    ),
    target=LEAD,
)
class LeadActions:
    """Mixed into LeadAdmin: moving a lead along the funnel, and converting it to a customer."""
