"""The guests' protein choices: how many servings of each base protein the chef brings."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from audit.actor import Actor
from audit.services import audit_log_write
from core.models import Booking
from core.selectors import booking_protein_servings_expected, booking_proteins_open
from kernel.errors import ConflictError, ServiceError
from pricing.models import MenuItem

PROTEINS_CLOSED = "proteins_closed"


@transaction.atomic
def booking_set_proteins(
    *, booking: Booking, proteins: Mapping[str, int], actor: Actor, by_customer: bool = True
) -> Booking:
    """Record the servings of each base protein; the counts add up to the party's protein choices.

    Two per adult and kid, less one per upgrade serving (an upgrade replaces a protein).
    Customers may change them until the change cutoff (booking_rules(station)) while
    the booking is pending or confirmed; staff any time the booking is active. Audited with
    before and after; setting the same counts again writes nothing.
    """
    booking = Booking.objects.select_for_update(of=("self",)).select_related("station").get(pk=booking.pk)
    if by_customer and not booking_proteins_open(booking=booking):
        raise ConflictError(
            "Protein choices can no longer be changed online; please call us.",
            field="proteins",
            code=PROTEINS_CLOSED,
        )
    if not by_customer and booking.status not in Booking.ACTIVE_STATUSES:
        raise ConflictError("This booking is no longer active.", field="proteins", code=PROTEINS_CLOSED)

    offered = dict(
        MenuItem.objects.filter(category=MenuItem.Category.PROTEIN, is_active=True).values_list(
            "code", "name"
        )
    )
    counts: dict[str, int] = {}
    for code, count in proteins.items():
        if code not in offered:
            raise ServiceError(f"We do not offer {str(code)[:40]}.", field="proteins")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ServiceError(f"Enter a whole number of {offered[code]} servings.", field=f"proteins.{code}")
        if count:
            counts[code] = count
    expected = booking_protein_servings_expected(booking=booking)
    chosen = sum(counts.values())
    if chosen != expected:
        raise ServiceError(
            f"Choose {expected} proteins in all (two per adult and kid, less one per upgrade); "
            f"you chose {chosen}.",
            field="proteins",
        )

    before = dict(booking.protein_counts or {})
    if before == counts:
        return booking
    booking.protein_counts = counts
    booking.save(update_fields=["protein_counts", "updated_at"])
    audit_log_write(
        actor=actor,
        action="booking.set_proteins",
        instance=booking,
        station_id=booking.station_id,
        before={"protein_counts": before},
        after={"protein_counts": counts},
    )
    return booking
