"""The one mixin every ModelAdmin of the staff panel uses: station scoping and the audit trail.

StationScopedAdmin (and StationScopedInline for inlines) puts every admin page through the
policy of identity/scoping.py:

- rows: the changelist, actions and exports (they get the changelist's queryset), and the
  autocomplete answers (Django builds them from the admin's get_queryset) hold only the
  rows of the user's stations; a chef only their own.
- objects: a change, delete or history URL of a row outside the user's scope is a 404, and
  a permission_denied security event.
- choices: foreign-key selects and autocompletes offer only what the user may see (stations,
  chefs, bookings, customers, staff, ...), and a form that would put a row at a station the
  user does not hold is refused with a message.
- permissions: the model-level answer comes from the roles (identity/backends.py); on an
  object, the role must grant it at the object's station.
- search: through the tables' indexes, one branch per related table (search.py).
- audit: every add, change and delete (inline rows and bulk deletes included) writes an
  audit row in the admin's transaction: actor, primary role, station, IP, user agent, before
  and after values (the changed fields; never an encrypted field's plaintext, nor a password):
  audit_trail.py.
"""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import Http404, HttpResponseRedirect

from audit.services import audit_log_write
from identity import catalog
from identity.scoping import (
    StationPath,
    scope_queryset,
    sees_every_station,
    station_ids_of,
    user_has_permission,
)
from identity.staff_panel.audit_trail import (
    admin_actor,
    audit_admin_write,
    audit_diff,
    audit_snapshot,
    flag_permission_denied,
)
from identity.staff_panel.pagination import CappedCountPaginator
from identity.staff_panel.rows import ListRowsMixin
from identity.staff_panel.scoped_forms import (
    ScopedChoicesMixin,
    _model_label,
    _station_checked_form,
    _station_refusal,
    _without,
)
from identity.staff_panel.search import IndexedSearchMixin


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A filter by a related row (station, chef) offering the rows of it the user may see.

    The related admin's scoped queryset (a manager's stations, their stations' chefs): a
    small table read by its key, where Django's RelatedOnlyFieldListFilter reads the DISTINCT
    values of every listed row (90 ms for a manager's 36,000 payments).
    """

    def field_choices(self, field, request, model_admin):
        related_admin = model_admin.admin_site._registry[field.related_model]
        visible = related_admin.get_queryset(request).order_by().values("pk")
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to={"pk__in": visible})


class StationScopedAdmin(IndexedSearchMixin, ListRowsMixin, ScopedChoicesMixin, admin.ModelAdmin):
    """A ModelAdmin scoped to the user's stations and audited (see the module docstring).

    station_path: how a row reaches its station ("station", "booking__station", a tuple of
    paths, identity.scoping.customer_station_paths(...) for customer data); None for rows that
    belong to no station (prices, the knowledge base, roles).
    every_station_required_for: operations ("view", "add", "change", "delete") only users who
    see every station may perform (rows that speak for every station: roles, webhooks).
    """

    station_path: StationPath = "station"
    every_station_required_for: frozenset[str] = frozenset()
    # A filtered list counts its own rows only: the unfiltered total is a second COUNT(*)
    # over the whole table on every page (hundreds of ms at 240,000 audit rows).
    show_full_result_count = False
    # ... and counts at most 10,000 rows: past that, "more than 10,000" (pagination.py).
    paginator = CappedCountPaginator
    # 50 rows a page: a screenful and a half to scan, and what a page costs is mostly rendering
    # its rows (at 50,000 bookings the database part of a list stays under 10 ms).
    list_per_page = 50
    # Parts of a change page shown only to who holds a permission (at the row's station), e.g.
    # {"audit_trail": "audit.read", "payments_table": "payment.read"}.
    field_permissions: dict[str, str] = {}

    # --- rows -----------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = scope_queryset(request.user, super().get_queryset(request), self.station_path)
        # Django joins list_select_related on the changelist only; change pages, actions and
        # __str__ of the object read the same relations, so every page joins them.
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    def get_object(self, request, object_id, from_field=None):
        # Who may not see this model at all is refused before any row is looked up: a 403,
        # whether or not the row exists. Who may, gets a 404 for a row outside their scope.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            if self._exists_unscoped(object_id, from_field):
                flag_permission_denied(
                    request, reason="outside_scope", model=_model_label(self.model), object_id=str(object_id)
                )
            raise Http404(f"No {self.opts.verbose_name} with ID “{object_id}” that you can see.")
        return obj

    def get_list_filter(self, request):
        # A filter by station, chef, customer, ... lists only the rows the user may see
        # (Sacramento is not offered to Fremont's manager), in one query.
        filters = super().get_list_filter(request)
        if sees_every_station(request.user):
            return filters
        return tuple(self._scoped_list_filter(entry) for entry in filters)

    def _scoped_list_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        try:
            last = get_fields_from_path(self.model, entry)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return entry
        if not last.is_relation:
            return entry
        related_admin = self.admin_site._registry.get(last.related_model)
        if getattr(related_admin, "station_path", None) is None:
            return entry
        return (entry, ScopedRelatedFieldListFilter)

    def _exists_unscoped(self, object_id, from_field) -> bool:
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            value = field.to_python(object_id)
        except ValidationError:
            return False
        return self.model._base_manager.filter(**{field.attname: value}).exists()

    # --- permissions ----------------------------------------------------------------------

    def has_business_permission(self, request, code: str, obj=None) -> bool:
        """`resource.action` for this user, at the object's station when one is given."""
        if obj is None or not self.station_path or sees_every_station(request.user):
            return user_has_permission(request.user, code)
        found, _complete = station_ids_of(obj, self.station_path)
        if not found:
            return user_has_permission(request.user, code)
        return any(user_has_permission(request.user, code, station_id) for station_id in found)

    def _allowed_here(self, request, operation: str, obj) -> bool:
        if operation in self.every_station_required_for and not sees_every_station(request.user):
            return False
        if obj is None or sees_every_station(request.user):
            return True
        codes = [catalog.admin_permission_code(_model_label(self.model), operation)]
        if operation == "view":  # as Django: who may change may view
            codes.append(catalog.admin_permission_code(_model_label(self.model), "change"))
        return any(code and self.has_business_permission(request, code, obj) for code in codes)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allowed_here(request, "view", obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._allowed_here(request, "add", None)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed_here(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed_here(request, "delete", obj)

    # --- forms ----------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        hidden = {
            name
            for name, code in self.field_permissions.items()
            if not self.has_business_permission(request, code, obj)
        }
        if not hidden:
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = tuple(_without(options.get("fields", ()), hidden))
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _station_checked_form(form, request.user, self.station_path)

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return _station_checked_form(form, request.user, self.station_path)

    # --- writes, audited ------------------------------------------------------------------

    def audit_station_id(self, obj: models.Model) -> uuid.UUID | None:
        found, _complete = station_ids_of(obj, self.station_path)
        return next(iter(sorted(found, key=str)), None) if found else None

    def _refuse_outside_stations(self, request, obj, station_path: StationPath | bool = False) -> None:
        """A last guard behind the form's check: a 403 (and a security event), never a write."""
        path = self.station_path if station_path is False else station_path
        message = _station_refusal(request.user, obj, path)
        if message:
            flag_permission_denied(
                request, reason="station_not_held", model=_model_label(type(obj)), object_id=str(obj.pk)
            )
            raise PermissionDenied(message)

    def response_action(self, request, queryset):
        # Selected ids that are not ids of this model (a mangled form, `notauuid`) would make the
        # action's queryset raise: a message and the list again, never a 500.
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        try:
            for value in selected:
                self.opts.pk.to_python(value)
        except ValidationError:
            self.message_user(request, "The selection is not valid; select the rows again.", level="error")
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def save_model(self, request, obj, form, change):
        self._refuse_outside_stations(request, obj)
        before = self.model._base_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if before is not None:
            before_values, after_values = audit_diff(before, obj)
            if not after_values:
                return  # saved without a change: nothing happened, nothing to audit
        else:
            before_values, after_values = None, audit_snapshot(obj)
        audit_admin_write(
            request,
            action="admin.change" if change else "admin.add",
            instance=obj,
            station_id=self.audit_station_id(obj),
            before=before_values,
            after=after_values,
        )

    def delete_model(self, request, obj):
        before = audit_snapshot(obj)
        station_id = self.audit_station_id(obj)
        pk = obj.pk  # deleting sets it to None
        super().delete_model(request, obj)
        audit_log_write(
            actor=admin_actor(request),
            action="admin.delete",
            resource_type=_model_label(self.model),
            resource_id=str(pk),
            station_id=station_id,
            before=before,
        )

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            rows = [(obj.pk, self.audit_station_id(obj), audit_snapshot(obj)) for obj in queryset]
            super().delete_queryset(request, queryset)
            actor = admin_actor(request)
            for pk, station_id, before in rows:
                audit_log_write(
                    actor=actor,
                    action="admin.delete",
                    resource_type=_model_label(self.model),
                    resource_id=str(pk),
                    station_id=station_id,
                    before=before,
                )

    def save_formset(self, request, form, formset, change):
        model = formset.model
        existing = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        before = model._base_manager.in_bulk(existing) if existing else {}
        deleted = [f.instance.pk for f in formset.initial_forms if formset._should_delete_form(f)]
        inline_path = getattr(formset, "station_path", None)
        if inline_path:
            for inline_form in formset.forms:
                if inline_form.has_changed() and not formset._should_delete_form(inline_form):
                    self._refuse_outside_stations(request, inline_form.instance, inline_path)
        super().save_formset(request, form, formset, change)
        station_id = self.audit_station_id(form.instance)
        actor = admin_actor(request)
        for obj in formset.new_objects:
            audit_log_write(
                actor=actor,
                action="admin.add",
                instance=obj,
                station_id=station_id,
                after=audit_snapshot(obj),
            )
        for obj, _fields in formset.changed_objects:
            old = before.get(obj.pk)
            before_values, after_values = audit_diff(old, obj) if old else (None, audit_snapshot(obj))
            audit_log_write(
                actor=actor,
                action="admin.change",
                instance=obj,
                station_id=station_id,
                before=before_values,
                after=after_values,
            )
        for pk in deleted:
            if pk not in before:
                continue
            audit_log_write(
                actor=actor,
                action="admin.delete",
                resource_type=_model_label(model),
                resource_id=str(pk),
                station_id=station_id,
                before=audit_snapshot(before[pk]),
            )


class StationScopedInline(ScopedChoicesMixin, admin.options.InlineModelAdmin):
    """The inline counterpart: choices scoped; rows scoped by `station_path` when it is set
    (e.g. a user's roles: only those at the editor's stations are shown and editable).

    Use it before TabularInline/StackedInline: `class X(StationScopedInline, admin.TabularInline)`.
    """

    station_path: StationPath = None
    every_station_required_for: frozenset[str] = frozenset()

    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request), self.station_path)

    def _every_station_ok(self, request, operation: str) -> bool:
        return operation not in self.every_station_required_for or sees_every_station(request.user)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._every_station_ok(request, "add")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._every_station_ok(request, "change")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._every_station_ok(request, "delete")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _station_checked_form(formset.form, request.user, self.station_path)
        formset.station_path = self.station_path
        return formset
