"""Staff panel: stations, staff users, roles and business permissions, login lockouts.

Access is granted by roles held at stations (UserRole), and what a role allows is the seeded
catalog (identity/catalog.py): Django groups and per-user permissions are not used, so the
Group admin is not offered. Granting is bounded: a user who does not see every station grants
roles at their own stations only, never a role above their own tier, never super_admin; and
changes, deletes, sets the password of or grants roles to only the users it may manage
(identity.scoping.user_may_manage).
"""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils.choices import BaseChoiceIterator

from identity import (
    audit_admin,  # noqa: F401  (registers the audit log and security events)
    catalog,
)
from identity.models import Permission, Role, RolePermission, Station, User, UserRole
from identity.scoping import (
    access_attempts_visible,
    access_for,
    sees_every_station,
    user_may_manage,
    users_within_stations,
)
from identity.staff_panel.audit_trail import admin_actor, flag_permission_denied
from identity.staff_panel.scoped import StationScopedAdmin, StationScopedInline
from kernel.contact import normalize_email
from kernel.money import format_cents

# Access comes from roles only (identity/backends.py): no second set of grants to keep.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

# Roles and permissions speak for every station: only users who see every station change them.
EVERY_STATION_WRITES = frozenset({"add", "change", "delete"})


def _top_tier(user) -> int:
    if user.is_superuser:
        return max(catalog.ROLE_TIERS.values())
    return max((catalog.ROLE_TIERS.get(name, 0) for name in access_for(user).roles), default=0)


def grantable_roles(user, queryset):
    """The roles `user` may grant: up to their own tier; super_admin only by who sees every station."""
    if sees_every_station(user):
        return queryset
    return queryset.filter(tier__lte=_top_tier(user)).exclude(name=catalog.SUPER_ADMIN)


@admin.register(Station)
class StationAdmin(StationScopedAdmin):
    station_path = "pk"  # a user sees the stations they work at
    every_station_required_for = frozenset({"add", "delete"})
    list_display = (
        "name",
        "code",
        "city",
        "state",
        "zip_code",
        "free_miles",
        "price_per_mile",
        "max_distance_miles",
        "tax_rate_percent",
        "is_active",
    )
    list_filter = ("is_active", "state")
    search_fields = ("name", "code", "city", "zip_code")
    fieldsets = (
        (None, {"fields": ("name", "code", "is_active")}),
        (
            "Location",
            {"fields": ("address", "city", "state", "zip_code", "latitude", "longitude", "timezone")},
        ),
        (
            "Travel and tax",
            {
                "fields": ("free_miles", "price_per_mile_cents", "max_distance_miles", "tax_rate_percent"),
                "description": "Amounts are in cents (200 = $2.00).",
            },
        ),
        ("Contact", {"fields": ("phone", "email")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="Per mile", ordering="price_per_mile_cents")
    def price_per_mile(self, obj: Station) -> str:
        return format_cents(obj.price_per_mile_cents)


class StaffUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class StaffUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class ReadChoices(BaseChoiceIterator):
    """Choices read once and shared by every row's copy of a field.

    Each form of a formset copies its fields, and a select's copy normalizes its list of choices
    again (twice: the widget, then the field's queryset): on super_admin's role page, 69 rows
    times 69 permissions, a third of the page. Django takes a choice iterator as it is.
    """

    def __init__(self, choices: list):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


class OnceReadChoicesInline(StationScopedInline, admin.TabularInline):
    """An inline whose foreign-key selects read their (few) choices once per page, not once per row."""

    once_read_choices: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.once_read_choices:
            # Iterated, not list()ed: list() would first ask the iterator's length (a COUNT).
            formfield.choices = ReadChoices(list(iter(formfield.choices)))
        return formfield


class UserRoleInline(OnceReadChoicesInline):
    model = UserRole
    once_read_choices = ("role", "station")
    # An editor sees (and changes) the roles held at their own stations only.
    station_path = "station"
    fk_name = "user"
    fields = ("role", "station")
    extra = 0
    verbose_name = "role"
    verbose_name_plural = "roles (no station: every station)"

    def get_queryset(self, request):
        # Each row shows its __str__, which names the user, the role and the station.
        return super().get_queryset(request).select_related("user", "role", "station")

    # `obj` is the user being edited: their roles change only when the editor may manage them.
    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and (
            obj is None or user_may_manage(request.user, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or user_may_manage(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or user_may_manage(request.user, obj)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["queryset"] = grantable_roles(request.user, Role.objects.all())
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "station" and formfield is not None and not sees_every_station(request.user):
            formfield.required = True  # no station means every station
        return formfield


@admin.register(User)
class UserAdmin(StationScopedAdmin, DjangoUserAdmin):
    # Staff are seen by the stations of their roles.
    station_path = "user_roles__station"
    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    inlines = (UserRoleInline,)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "roles",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "user_roles__role", "user_roles__station")
    search_fields = ("email", "first_name", "last_name", "phone")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone")}),
        (
            "Access",
            {
                "fields": ("is_active", "is_staff", "is_superuser"),
                "description": "Business roles and their stations are set in the roles section below.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        # Listed, and reachable by URL: only users all of whose stations are the editor's.
        return users_within_stations(
            request.user,
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("user_roles", queryset=UserRole.objects.select_related("role", "station"))
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else (*readonly, "is_superuser")

    # The change page, the password page (Django's asks has_change_permission) and delete: the
    # one policy of identity.scoping.user_may_manage.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or user_may_manage(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or user_may_manage(request.user, obj)
        )

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                from audit.services import audit_log_write

                audit_log_write(
                    actor=admin_actor(request),
                    action="admin.password_change",
                    resource_type=User._meta.label_lower,
                    resource_id=str(id),
                    after={"password": "[redacted]"},
                )
        return response

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(
            f"{user_role.role} @ {user_role.station.code if user_role.station else 'all stations'}"
            for user_role in obj.user_roles.all()
        )


class RolePermissionInline(OnceReadChoicesInline):
    model = RolePermission
    every_station_required_for = EVERY_STATION_WRITES
    once_read_choices = ("permission",)
    fields = ("permission",)
    extra = 0
    verbose_name = "permission"
    verbose_name_plural = "permissions"

    def get_queryset(self, request):
        # Each row shows its __str__, which names the role and the permission.
        return super().get_queryset(request).select_related("role", "permission")

    def has_change_permission(self, request, obj=None):
        # A role's permission is added or deleted, never edited in place: its rows show as
        # text. A select of every permission on each of super_admin's rows took 2-3 s to render.
        return False


@admin.register(Role)
class RoleAdmin(StationScopedAdmin):
    station_path = None
    every_station_required_for = EVERY_STATION_WRITES
    ordering = ("-tier", "name")  # explicit: the counted (grouped) queryset drops Meta.ordering
    inlines = (RolePermissionInline,)
    list_display = ("name", "tier", "description", "permission_count", "user_count")
    list_filter = ("tier",)
    search_fields = ("name", "description")
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "tier", "description", "created_at", "updated_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _permission_count=Count("role_permissions", distinct=True),
                _user_count=Count("user_roles__user", distinct=True),
            )
        )

    @admin.display(description="Permissions", ordering="_permission_count")
    def permission_count(self, obj: Role) -> int:
        return obj._permission_count

    @admin.display(description="Users", ordering="_user_count")
    def user_count(self, obj: Role) -> int:
        return obj._user_count


@admin.register(Permission)
class PermissionAdmin(StationScopedAdmin):
    station_path = None
    every_station_required_for = EVERY_STATION_WRITES
    list_display = ("code", "resource", "action", "description", "role_names")
    list_filter = ("resource", "roles")
    search_fields = ("code", "resource", "action", "description")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="Roles")
    def role_names(self, obj: Permission) -> str:
        return ", ".join(str(role) for role in obj.roles.all())


@admin.register(RolePermission)
class RolePermissionAdmin(StationScopedAdmin):
    station_path = None
    every_station_required_for = EVERY_STATION_WRITES
    list_display = ("role", "permission", "created_at")
    list_filter = ("role", "permission__resource")
    search_fields = ("permission__code", "role__name")
    list_select_related = ("role", "permission")
    autocomplete_fields = ("permission",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(UserRole)
class UserRoleAdmin(StationScopedAdmin):
    station_path = "station"
    list_display = ("user", "role", "station_display", "created_at")
    list_filter = ("role", "station")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "role", "station")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["queryset"] = grantable_roles(request.user, Role.objects.all())
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "station" and formfield is not None and not sees_every_station(request.user):
            formfield.required = True  # no station means every station
        return formfield

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or user_may_manage(request.user, obj.user)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or user_may_manage(request.user, obj.user)
        )

    def save_model(self, request, obj, form, change):
        # Granting a role is managing its holder: refused (403, and a security event) otherwise.
        if not user_may_manage(request.user, obj.user):
            flag_permission_denied(
                request, reason="user_not_manageable", model="identity.userrole", object_id=str(obj.user_id)
            )
            raise PermissionDenied("You may not grant roles to this user.")
        super().save_model(request, obj, form, change)

    @admin.display(description="Station", ordering="station__name")
    def station_display(self, obj: UserRole) -> str:
        return str(obj.station) if obj.station else "All stations"


# django-axes' login records, for who may read security events (AXES_ENABLE_ADMIN is off so
# that these, scoped and audited, are the only ones). Deleting an attempt unlocks the account.
# Both scoped like security events: the attempts on users the reader may see (all of whose
# stations are theirs); attempts on unknown emails only to staff who see every station.
@admin.register(AccessAttempt)
class AccessAttemptAdmin(StationScopedAdmin, AxesAccessAttemptAdmin):
    station_path = None

    def get_queryset(self, request):
        return access_attempts_visible(request.user, super().get_queryset(request))


@admin.register(AccessLog)
class AccessLogAdmin(StationScopedAdmin, AxesAccessLogAdmin):
    station_path = None

    def get_queryset(self, request):
        return access_attempts_visible(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
