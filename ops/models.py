from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kernel.models import UUIDModel
from ops.slots import SLOT_CHOICES


class Chef(UUIDModel):
    class PayTier(models.TextChoices):
        TRAINEE = "trainee", "Trainee"
        STANDARD = "standard", "Standard"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead"

    station = models.ForeignKey("identity.Station", on_delete=models.PROTECT, related_name="chefs")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chef",
        help_text="The staff login of this chef, so they see their own bookings.",
    )
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    rating = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    pay_tier = models.CharField(max_length=20, choices=PayTier.choices, default=PayTier.STANDARD)

    class Meta:
        db_table = 'ops"."chefs'
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=0) & models.Q(rating__lte=5), name="check_chef_rating_range"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChefAvailability(UUIDModel):
    """Time off (or a note) for a chef on a date, or on one slot of that date."""

    chef = models.ForeignKey(Chef, on_delete=models.CASCADE, related_name="availability")
    date = models.DateField()
    slot = models.TimeField(choices=SLOT_CHOICES, null=True, blank=True, help_text="Empty: the whole day.")
    is_available = models.BooleanField(default=False)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = 'ops"."chef_availability'
        verbose_name_plural = "chef availability"
        ordering = ["-date", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["chef", "date", "slot"], name="uq_chef_availability_day_slot", nulls_distinct=False
            )
        ]
        indexes = [models.Index(fields=["date", "chef"], name="ix_chef_availability_date")]

    def __str__(self) -> str:
        when = self.slot.strftime("%H:%M") if self.slot else "all day"
        return f"{self.chef} {self.date} {when}: {'available' if self.is_available else 'unavailable'}"
