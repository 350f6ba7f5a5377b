"""Staff panel: stations, staff users, roles and business permissions."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, Prefetch

from identity.contact import normalize_email
from identity.models import Permission, Role, RolePermission, Station, User, UserRole
from pricing.money import format_cents


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
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


class OnceReadChoicesInline(admin.TabularInline):
    """An inline whose foreign-key selects read their (few) choices once per page, not once per row."""

    once_read_choices: tuple[str, ...] = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.once_read_choices:
            # Iterated, not list()ed: list() would first ask the iterator's length (a COUNT).
            formfield.choices = list(iter(formfield.choices))
        return formfield


class UserRoleInline(OnceReadChoicesInline):
    model = UserRole
    once_read_choices = ("role", "station")
    fk_name = "user"
    fields = ("role", "station")
    extra = 0
    verbose_name = "role"
    verbose_name_plural = "roles (no station: every station)"

    def get_queryset(self, request):
        # Each row shows its __str__, which names the user, the role and the station.
        return super().get_queryset(request).select_related("user", "role", "station")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
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
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("user_roles", queryset=UserRole.objects.select_related("role", "station"))
            )
        )

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(
            f"{user_role.role} @ {user_role.station.code if user_role.station else 'all stations'}"
            for user_role in obj.user_roles.all()
        )


class RolePermissionInline(OnceReadChoicesInline):
    model = RolePermission
    once_read_choices = ("permission",)
    fields = ("permission",)
    extra = 0
    verbose_name = "permission"
    verbose_name_plural = "permissions"

    def get_queryset(self, request):
        # Each row shows its __str__, which names the role and the permission.
        return super().get_queryset(request).select_related("role", "permission")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
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
class PermissionAdmin(admin.ModelAdmin):
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
class RolePermissionAdmin(admin.ModelAdmin):
    list_display = ("role", "permission", "created_at")
    list_filter = ("role", "permission__resource")
    search_fields = ("permission__code", "role__name")
    list_select_related = ("role", "permission")
    autocomplete_fields = ("permission",)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        # __str__ names the role and the permission, on the change page as well as the list.
        return super().get_queryset(request).select_related(*self.list_select_related)


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "station_display", "created_at")
    list_filter = ("role", "station")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "role", "station")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        # __str__ names the user, the role and the station, on the change page as well as the list.
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description="Station", ordering="station__name")
    def station_display(self, obj: UserRole) -> str:
        return str(obj.station) if obj.station else "All stations"
