"""Staff panel: the audit trail and security events, read-only for everyone.

Here, not in audit/admin.py: audit imports nothing above the kernel, and the staff panel is
built with identity's kit; identity/admin.py imports this module to register it.

The audit log is append-only (the database refuses UPDATE and DELETE on audit.audit_logs),
so the admin offers no add, change or delete, not even to superusers.
"""

import contextlib
import ipaddress

from django.apps import apps
from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery
from django.utils.text import smart_split, unescape_string_literal

from audit.models import AuditLog, SecurityEvent, search_document
from identity import catalog
from identity.models import Station
from identity.scoping import security_events_visible
from identity.staff_panel.json_display import pretty_json
from identity.staff_panel.readonly import ReadOnlyMixin
from identity.staff_panel.scoped import StationScopedAdmin


class ReadOnlyAdmin(ReadOnlyMixin, StationScopedAdmin):
    """Viewing only, for every user."""

    station_path = None


class FixedChoicesFilter(admin.SimpleListFilter):
    """A filter whose choices are known without reading the table.

    Django's plain field filter lists the column's DISTINCT values: a scan of the whole audit
    log on every page (240,000 rows at 200 x the demo).
    """

    def choices_of(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return self.choices_of()

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class ResourceTypeFilter(FixedChoicesFilter):
    title = "resource type"
    parameter_name = "resource_type"

    def choices_of(self) -> list[tuple[str, str]]:
        # audit_log_write names a row by its model's label ("core.booking").
        labels = sorted(model._meta.label_lower for model in apps.get_models())
        return [(label, label) for label in labels]


class RoleFilter(FixedChoicesFilter):
    title = "role"
    parameter_name = "role"

    def choices_of(self) -> list[tuple[str, str]]:
        return [(role.name, role.name) for role in catalog.ROLES]


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    # Who may read the log (audit.read) reads the rows of their stations.
    station_path = "station_id"
    list_display = (
        "created_at",
        "actor",
        "role",
        "action",
        "resource_type",
        "resource_id",
        "station",
        "ip_address",
    )
    # Fixed choices only (no DISTINCT over the log); an action is found by the search box.
    list_filter = ("actor_type", ResourceTypeFilter, RoleFilter)
    # Read through one trigram index on all of them at once (get_search_results).
    search_fields = ("action", "resource_type", "resource_id", "actor_label", "reason", "=ip_address")
    # No date_hierarchy: its year links are a DISTINCT over every row; the list is newest first.
    fieldsets = (
        (None, {"fields": ("created_at", "action", "resource_type", "resource_id", "station", "reason")}),
        ("Actor", {"fields": ("actor_type", "actor_id", "actor_label", "role", "ip_address", "user_agent")}),
        ("Change", {"fields": ("before_values", "after_values")}),
    )
    readonly_fields = (
        "created_at",
        "action",
        "resource_type",
        "resource_id",
        "station",
        "reason",
        "actor_type",
        "actor_id",
        "actor_label",
        "role",
        "ip_address",
        "user_agent",
        "before_values",
        "after_values",
    )

    def get_queryset(self, request):
        # The log keeps no foreign keys; the station is named by a subquery, not a query per row.
        station_code = Station.objects.filter(pk=OuterRef("station_id")).values("code")[:1]
        return super().get_queryset(request).annotate(_station_code=Subquery(station_code))

    def get_search_results(self, request, queryset, search_term):
        # Each term is found in any of the text fields through the one trigram index of
        # audit.models.search_document (not five ORed scans of 240,000 rows); a term that is
        # an IP address also finds the rows from that address (its own index).
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            condition = Q(_search__contains=bit.upper())
            with contextlib.suppress(ValueError):  # not an IP address
                condition |= Q(ip_address=str(ipaddress.ip_address(bit)))
            queryset = queryset.alias(_search=search_document()).filter(condition)
        return queryset, False

    @admin.display(description="Actor", ordering="actor_label")
    def actor(self, obj: AuditLog) -> str:
        label = obj.actor_label or obj.get_actor_type_display()
        return label if obj.actor_type == AuditLog.ActorType.USER else f"{label} ({obj.actor_type})"

    @admin.display(description="Station", ordering="_station_code")
    def station(self, obj: AuditLog) -> str:
        if obj.station_id is None:
            return "—"
        return obj._station_code or str(obj.station_id)

    @admin.display(description="Before")
    def before_values(self, obj: AuditLog) -> str:
        return pretty_json(obj.before)

    @admin.display(description="After")
    def after_values(self, obj: AuditLog) -> str:
        return pretty_json(obj.after)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    # Read by who holds security.read (super_admin and admin), scoped to their stations: an
    # event about an object at a station or about a user there (identity.scoping).
    list_display = ("created_at", "type", "severity", "user_label", "ip_address", "count")
    list_filter = ("type", "severity")
    search_fields = ("user_label", "=ip_address")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "type",
        "severity",
        "user_id",
        "user_label",
        "ip_address",
        "count",
        "last_seen_at",
        "details_values",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return security_events_visible(request.user, super().get_queryset(request))

    @admin.display(description="Details")
    def details_values(self, obj: SecurityEvent) -> str:
        return pretty_json(obj.details)
