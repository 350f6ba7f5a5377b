"""The staff panel's actions: declared once (form, service, permission), run by one runner.

An action is a thin shell around a service (CONVENTIONS.md "Where logic lives"): it asks for
what the service needs (an intermediate form, posted back to the changelist with the action
and the selected ids, Django's standard pattern), calls the same service the API calls for
each selected object, and reports every object's outcome with `message_user`. A ServiceError
is a message, never a 500. The service checks the state and writes the audit row.

Who may run an action is a business permission (`booking.cancel`, `payment.refund`, ...),
checked twice: for the action to be offered at all (the `has_<code>_permission` method that
`@staff_actions` writes for Django's `@admin.action(permissions=...)`), and for each object at
the object's station, since a user may hold different roles at different stations.

An action declared here may also be offered on an object's own page (a button, a form on
its change form): `object_action_view` runs the same declaration on that one object.

How to add one: docs/architecture.md "Adding a staff-panel action".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from audit.actor import Actor
from identity import scoping
from identity.staff_panel.audit_trail import admin_actor
from kernel.errors import ServiceError
from kernel.money import dollars_to_cents

ACTION_FORM_TEMPLATE = "admin/action_form.html"
# The button of an intermediate form: its presence in the POST means "the form was submitted".
APPLY = "apply"


def staff_may(request: HttpRequest, code: str, *, station_id: UUID | None = None) -> bool:
    """Whether the user holds the business permission `code` (at that station, when given)."""
    return scoping.user_has_permission(request.user, code, station_id)


def permission_name(code: str) -> str:
    """'payment.record' -> 'payment_record': what Django's @admin.action(permissions=...) names."""
    return code.replace(".", "_")


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


def submitted_form(
    request: HttpRequest, form_class: type[forms.Form], *, submitted: bool = False, **kwargs: Any
) -> forms.Form:
    """The action's form: bound to the POST once its own button was pressed (or `submitted`:
    posted from the object's own page), else blank."""
    data = request.POST if submitted or APPLY in request.POST else None
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


# --- Declared actions -----------------------------------------------------------------------

Data = dict[str, Any]


@dataclass(frozen=True)
class StaffAction:
    """One action of a ModelAdmin: its permission, its form (if any), and the service it calls.

    `service(obj, data, actor)` is called once per selected object (data: the form's cleaned
    data, {} without a form). `done` is the success message, or makes it from the data;
    "{objects}" stands for the labels of the objects it succeeded on.
    """

    name: str
    description: str
    permission: str
    service: Callable[[Model, Data, Actor], Any]
    done: str | Callable[[Data], str]
    form: type[forms.Form] | None = None
    # The form's keyword arguments (initial values, the object it is about), from the selection.
    form_kwargs: Callable[[HttpRequest, list[Model]], dict[str, Any]] | None = None
    title: str = ""
    submit_label: str = ""
    explain: str | Callable[[list[Model]], str] = ""
    one_at_a_time: bool = False
    # Why the action cannot be offered for this selection (a warning, no form), or "".
    unavailable: Callable[[list[Model], forms.Form], str] | None = None
    # A last check of the submitted data against the selection: False after telling the user why.
    check: Callable[[admin.ModelAdmin, HttpRequest, list[Model], Data], bool] | None = None


@dataclass(frozen=True)
class ActionTarget:
    """What a ModelAdmin's actions act on: how to name an object, and where it is."""

    what: str  # "booking": for "Select exactly one booking."
    label_of: Callable[[Model], str]
    station_of: Callable[[Model], UUID | None]
    prepare: Callable[[QuerySet], QuerySet] = field(default=lambda queryset: queryset)


def run_action(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    spec: StaffAction,
    target: ActionTarget,
    *,
    submitted: bool = False,
):
    """The one body of every declared action: select, ask, check, run the service on each, report.

    `submitted`: the POST is the form itself (from an object's page), not the changelist's.
    """
    queryset = target.prepare(queryset)
    if spec.one_at_a_time:
        obj = exactly_one(modeladmin, request, queryset, target.what)
        if obj is None:
            return None
        objects = [obj]
    else:
        objects = list(queryset)
    data: Data = {}
    if spec.form is not None:
        kwargs = spec.form_kwargs(request, objects) if spec.form_kwargs else {}
        form = submitted_form(request, spec.form, submitted=submitted, **kwargs)
        if spec.unavailable and (reason := spec.unavailable(objects, form)):
            modeladmin.message_user(request, reason, level=messages.WARNING)
            return None
        if not (form.is_bound and form.is_valid()):
            explain = spec.explain(objects) if callable(spec.explain) else spec.explain
            return action_form_response(
                modeladmin,
                request,
                objects=objects,
                form=form,
                title=spec.title,
                action=spec.name,
                submit_label=spec.submit_label,
                description=explain,
            )
        data = form.cleaned_data
    if spec.check is not None and not spec.check(modeladmin, request, objects, data):
        return None
    actor = admin_actor(request)
    run_for_each(
        modeladmin,
        request,
        objects,
        permission=spec.permission,
        station_of=target.station_of,
        label_of=target.label_of,
        operation=lambda obj: spec.service(obj, data, actor),
        done=spec.done(data) if callable(spec.done) else spec.done,
    )
    return None


def _action_method(spec: StaffAction, target: ActionTarget):
    def action(modeladmin, request, queryset):
        return run_action(modeladmin, request, queryset, spec, target)

    action.__name__ = action.__qualname__ = spec.name
    return admin.action(description=spec.description, permissions=[permission_name(spec.permission)])(action)


def _permission_method(code: str):
    def has_permission(modeladmin, request: HttpRequest) -> bool:
        # Offered to users holding it at some station; run_for_each checks each object's station.
        return staff_may(request, code)

    has_permission.__name__ = f"has_{permission_name(code)}_permission"
    return has_permission


def staff_action(*, description: str, permission: str):
    """@admin.action for an action written by hand (an export): its permission is a business code."""

    def decorate(function):
        function.business_permission = permission
        return admin.action(description=description, permissions=[permission_name(permission)])(function)

    return decorate


def staff_actions(*specs: StaffAction, target: ActionTarget):
    """Class decorator of an actions mixin: one method per declared action, `actions` listing them
    (then the hand-written @staff_action methods), and the has_<code>_permission methods."""

    def decorate(cls):
        handwritten = [
            name for name, value in vars(cls).items() if getattr(value, "business_permission", None)
        ]
        codes = {spec.permission for spec in specs}
        for spec in specs:
            setattr(cls, spec.name, _action_method(spec, target))
        for name in handwritten:
            codes.add(vars(cls)[name].business_permission)
        for code in sorted(codes):
            method = _permission_method(code)
            setattr(cls, method.__name__, method)
        cls.actions = (*(spec.name for spec in specs), *handwritten)
        cls.declared_actions = {spec.name: spec for spec in specs}
        cls.action_target = target
        return cls

    return decorate


def object_action_view(
    modeladmin: admin.ModelAdmin, request: HttpRequest, object_id: str, name: str
) -> HttpResponse:
    """Run the declared action `name` on one object from the object's own page.

    The same declaration as from the list (permission, form, service, messages), on this one
    object: POST only; 403 unless the user holds the permission at the object's station (or the
    object is outside their stations); then back to the object's page, or the action's form
    again with its errors (posted back here). For a ModelAdmin built with `@staff_actions`.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    spec = modeladmin.declared_actions.get(name)
    if spec is None:
        raise Http404(f"No action {name!r}.")
    target = modeladmin.action_target
    obj = modeladmin.get_object(request, unquote(object_id))
    if obj is None or not staff_may(request, spec.permission, station_id=target.station_of(obj)):
        raise PermissionDenied
    one = modeladmin.get_queryset(request).filter(pk=obj.pk)
    response = run_action(modeladmin, request, one, spec, target, submitted=True)
    if response is not None:
        return response
    opts = modeladmin.model._meta
    return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
