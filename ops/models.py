from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kernel.models import UUIDModel
from ops.slots import DEFAULT_SLOT_TIMES, validate_slot_times


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
    # `rating` is what the chef is ranked by: a manager's override when there is one, else the
    # mean of the chef's approved reviews (ops/services.py keeps it so), else the starting value.
    review_count = models.PositiveIntegerField(default=0, help_text="Approved reviews of the chef's parties.")
    review_mean = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_override = models.DecimalField(
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    rating_override_reason = models.CharField(max_length=255, blank=True)
    pay_tier = models.CharField(max_length=20, choices=PayTier.choices, default=PayTier.STANDARD)
    # Chefs get their parties' news by email, and by text only when they agreed to it.
    sms_consent = models.BooleanField(
        default=False,
        help_text="The chef agreed to get texts about their parties (assigned, moved, cancelled).",
    )

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
    # Any time: the station's policy says which slots exist (ops/admin.py checks the entry).
    slot = models.TimeField(
        null=True, blank=True, help_text="Empty: the whole day; else one of the station's slots."
    )
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


def _default_slot_times() -> list:
    return list(DEFAULT_SLOT_TIMES)


class BookingPolicy(UUIDModel):
    """A station's booking rules (DOMAIN.md "Booking lifecycle"), edited by admins, audited.

    Read only through ops.policy.booking_rules(station), which caches it; the admin forgets the
    cached copy when a policy is saved.
    """

    station = models.OneToOneField(
        "identity.Station", on_delete=models.CASCADE, related_name="booking_policy"
    )
    refund_notice_days = models.PositiveSmallIntegerField(
        default=4, help_text="A customer cancelling at least this many days ahead gets the deposit back."
    )
    change_cutoff_hours = models.PositiveSmallIntegerField(
        default=72, help_text="Customers reschedule and change the party up to this many hours before."
    )
    booking_min_lead_hours = models.PositiveSmallIntegerField(
        default=48, help_text="Bookings open from this many hours ahead of the slot."
    )
    booking_max_ahead_days = models.PositiveSmallIntegerField(
        default=365, help_text="... up to this many days ahead."
    )
    deposit_deadline_hours = models.PositiveSmallIntegerField(
        default=24, help_text="An unpaid booking is cancelled this many hours after it was made."
    )
    slot_times = ArrayField(
        models.TimeField(),
        default=_default_slot_times,
        validators=[validate_slot_times],
        help_text="The times the station's parties start, in its local time (rules: ops/slots.py).",
    )
    staff_party_size = models.PositiveSmallIntegerField(
        default=30, help_text="A party of this many guests or more is handed to staff."
    )

    class Meta:
        db_table = 'ops"."booking_policies'
        verbose_name_plural = "booking policies"
        ordering = ["station__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_notice_days__gte=1), name="check_policy_refund_notice"
            ),
            models.CheckConstraint(
                condition=models.Q(booking_max_ahead_days__gte=1), name="check_policy_max_ahead"
            ),
            models.CheckConstraint(
                condition=models.Q(deposit_deadline_hours__gte=1), name="check_policy_deposit_deadline"
            ),
            models.CheckConstraint(
                condition=models.Q(staff_party_size__gte=2), name="check_policy_staff_party"
            ),
            models.CheckConstraint(condition=~models.Q(slot_times=[]), name="check_policy_has_slots"),
        ]

    def __str__(self) -> str:
        return f"Booking policy of {self.station}"


class PayRate(UUIDModel):
    """What a chef of one pay tier earns for a completed party (ops/pay.py computes it).

    A business setting, one row per tier, for every station; edited in the admin (audited).
    """

    pay_tier = models.CharField(max_length=20, choices=Chef.PayTier.choices, unique=True)
    per_party_cents = models.PositiveIntegerField(
        help_text="Paid for each completed party, in cents (10000 = $100.00)."
    )
    per_guest_cents = models.PositiveIntegerField(
        help_text="Paid for each guest served at a completed party (adults, kids and toddlers), "
        "in cents (400 = $4.00)."
    )

    class Meta:
        db_table = 'ops"."pay_rates'
        ordering = ["per_party_cents", "pay_tier"]

    def __str__(self) -> str:
        return f"Pay rate of the {self.get_pay_tier_display()} tier"
