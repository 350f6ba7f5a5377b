import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from kernel.contact import normalize_email
from kernel.models import UUIDModel
from kernel.versions import CATALOGUE, VersionBumpingQuerySet


class StationQuerySet(VersionBumpingQuerySet):
    """Bulk writes to stations retire every process's copy of the pricing catalogue."""

    version_name = CATALOGUE


class Station(UUIDModel):
    """A service location; chefs are based here and it serves the area within its radius."""

    objects = StationQuerySet.as_manager()

    name = models.CharField(max_length=100)
    code = models.CharField(max_length=40, unique=True, help_text="e.g. CA-FREMONT-001")
    address = models.CharField(max_length=255)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    zip_code = models.CharField(max_length=5)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    timezone = models.CharField(max_length=64, default="America/Los_Angeles")
    free_miles = models.PositiveIntegerField(default=30)
    price_per_mile_cents = models.PositiveIntegerField(default=200)
    max_distance_miles = models.PositiveIntegerField(default=150)
    tax_rate_percent = models.DecimalField(
        max_digits=5, decimal_places=3, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = 'identity"."stations'
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str):
        """The user whose email is this one once both are normalised (kernel.contact).

        The database narrows the candidates (case-insensitively, so that a row stored before
        normalisation is still found); equality of the normalised forms decides. A spelling
        that only PostgreSQL's case folding equates (dotless "\u0131" for "i") logs in to nobody.
        """
        wanted = normalize_email(email or "")
        for user in self.filter(email__iexact=wanted):
            if normalize_email(user.email) == wanted:
                return user
        raise self.model.DoesNotExist(f"No user with the email {wanted!r}.")


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member; logs in to the admin by email."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = 'identity"."users'
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="uq_users_email")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email


class Role(UUIDModel):
    class Name(models.TextChoices):
        SUPER_ADMIN = "super_admin", "Super admin"
        ADMIN = "admin", "Admin"
        STATION_MANAGER = "station_manager", "Station manager"
        CUSTOMER_SUPPORT = "customer_support", "Customer support"
        CHEF = "chef", "Chef"

    name = models.CharField(max_length=40, choices=Name.choices, unique=True)
    tier = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=255, blank=True)
    permissions = models.ManyToManyField("Permission", through="RolePermission", related_name="roles")

    class Meta:
        db_table = 'identity"."roles'
        ordering = ["-tier", "name"]

    def __str__(self) -> str:
        return self.get_name_display()


class Permission(UUIDModel):
    """A business permission, `resource.action` (e.g. `booking.cancel`)."""

    code = models.CharField(max_length=80, unique=True)
    resource = models.CharField(max_length=40)
    action = models.CharField(max_length=40)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = 'identity"."permissions'
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RolePermission(UUIDModel):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_permissions")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="role_permissions")

    class Meta:
        db_table = 'identity"."role_permissions'
        constraints = [models.UniqueConstraint(fields=["role", "permission"], name="uq_role_permission")]

    def __str__(self) -> str:
        return f"{self.role} → {self.permission}"


class UserRole(UUIDModel):
    """A role held by a user at one station (no station: every station, for super_admin)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="user_roles")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="user_roles")
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="user_roles"
    )

    class Meta:
        db_table = 'identity"."user_roles'
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "station"], name="uq_user_role_station", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.station or 'all stations'}"
