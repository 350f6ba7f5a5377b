"""What the staff panel's actions share: who may run them, as whom, their forms, their report.

An action is a thin shell around a service (CONVENTIONS.md "Where logic lives"): it asks for
what the service needs (an intermediate form, posted back to the changelist with the action
and the selected ids, Django's standard pattern), calls the same service the API calls for
each selected object, and reports every object's outcome with `message_user`. A ServiceError
is a message, never a 500. The service checks the state and writes the audit row.

Who may run an action is a business permission (`booking.cancel`, `payment.refund`, ...),
checked twice: for the action to be offered at all (ModelAdmin.has_<x>_permission, from
`allowed_permissions`), and for each object at the object's station, since a user may hold
different roles at different stations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse

from audit.actor import Actor
from identity import scoping
from identity.admin_scoping import admin_actor
from kernel.errors import ServiceError
from kernel.money import dollars_to_cents

ACTION_FORM_TEMPLATE = "admin/action_form.html"
# The button of an intermediate form: its presence in the POST means "the form was submitted".
APPLY = "apply"


def staff_may(request: HttpRequest, code: str, *, station_id: UUID | None = None) -> bool:
    """Whether the user holds the business permission `code` (at that station, when given)."""
    return scoping.user_has_permission(request.user, code, station_id)


def staff_actor(request: HttpRequest) -> Actor:
    """The user, their primary role and their request, as the audit trail records them."""
    return admin_actor(request)


class DollarsField(forms.DecimalField):
    """An amount typed in dollars ("12.50"), cleaned to integer cents (1250)."""

    def __init__(self, *, required: bool = True, allow_zero: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0") if allow_zero else Decimal("0.01"))
        super().__init__(
            required=required,
            max_digits=9,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            **kwargs,
        )

    def clean(self, value: Any) -> int | None:
        amount = super().clean(value)
        return None if amount is None else dollars_to_cents(amount)


def submitted_form(request: HttpRequest, form_class: type[forms.Form], **kwargs: Any) -> forms.Form:
    """The action's form: bound to the POST once its own button was pressed, else blank."""
    data = request.POST if APPLY in request.POST else None
    return form_class(data, **kwargs)


def action_form_response(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    objects: Iterable[Model],
    form: forms.Form,
    title: str,
    action: str,
    submit_label: str,
    description: str = "",
) -> TemplateResponse:
    """The intermediate page of an action: what it applies to, and its form (with CSRF)."""
    objects = list(objects)
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "description": description,
        "opts": opts,
        "app_label": opts.app_label,
        "objects": objects,
        "selected_ids": [str(obj.pk) for obj in objects],
        "form": form,
        "action": action,
        "submit_label": submit_label,
        "apply": APPLY,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, ACTION_FORM_TEMPLATE, context)


def run_for_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Model],
    *,
    permission: str,
    station_of: Callable[[Model], UUID | None],
    label_of: Callable[[Model], str],
    operation: Callable[[Model], Any],
    done: str,
) -> list[Model]:
    """Run `operation` (a service call) on each object; report what was done and each refusal.

    `done` is the success message, with "{objects}" standing for the objects' labels
    ("Cancelled {objects}."). Returns the objects it succeeded on. Each call is its own
    transaction (the services are atomic): one refusal does not undo the others.
    """
    succeeded: list[Model] = []
    for obj in objects:
        label = label_of(obj)
        if not staff_may(request, permission, station_id=station_of(obj)):
            modeladmin.message_user(
                request, f"{label}: you may not do this at its station.", level=messages.ERROR
            )
            continue
        try:
            operation(obj)
        except ServiceError as error:
            modeladmin.message_user(request, f"{label}: {error.message}", level=messages.ERROR)
            continue
        succeeded.append(obj)
    if succeeded:
        labels = ", ".join(label_of(obj) for obj in succeeded)
        modeladmin.message_user(request, done.replace("{objects}", labels), level=messages.SUCCESS)
    return succeeded


def exactly_one(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset, what: str) -> Model | None:
    """The one selected object of an action that works on one at a time; None (and a message) else."""
    objects = list(queryset[:2])
    if len(objects) != 1:
        modeladmin.message_user(request, f"Select exactly one {what}.", level=messages.WARNING)
        return None
    return objects[0]
