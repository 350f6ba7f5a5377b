"""The AI assistant's starting knowledge base: (title, category, body), numbers from docs/business-rules.md.

The booking windows are the booking policy's (ops/policy.py), in words, never written here.

Staff edit these in the admin afterwards; the seed only adds titles that are missing.
Prices in the text are the defaults of the reference seed; the assistant quotes real prices
from the pricing engine, never from these texts.
"""

from ops.policy import DEFAULT_BOOKING_RULES

_RULES = DEFAULT_BOOKING_RULES.as_context()
_SLOTS = ", ".join(slot.strftime("%H:%M") for slot in DEFAULT_BOOKING_RULES.slot_times[:-1])
_LAST_SLOT = DEFAULT_BOOKING_RULES.slot_times[-1].strftime("%H:%M")
_SLOT_COUNT = ("one", "two", "three", "four", "five", "six")[len(DEFAULT_BOOKING_RULES.slot_times) - 1]

KNOWLEDGE: tuple[tuple[str, str, str], ...] = (
    (
        "Menu: proteins and what every meal includes",
        "menu",
        "Every guest chooses two proteins from: chicken, NY strip steak, shrimp, calamari and "
        "tofu. Every meal includes hibachi fried rice, grilled vegetables, a salad and our "
        "sauces.",
    ),
    (
        "Protein upgrades",
        "menu",
        "An upgrade replaces one of a guest's two proteins and is priced per serving: salmon $5, "
        "scallops $5, filet mignon $5, lobster tail $15.",
    ),
    (
        "Add-ons",
        "menu",
        "Add-ons come on top of the meal and are priced per serving: yakisoba noodles $5, extra "
        "fried rice $5, extra vegetables $5, edamame $5, gyoza $10, extra protein $10.",
    ),
    (
        "Prices per guest and the party minimum",
        "pricing",
        "Adults (13 and over) are $55 per person, kids (6 to 12) $30 per person, and toddlers "
        "(5 and under) eat free; please still count them. Every party has a $550 food minimum "
        "(the meals plus upgrades and add-ons): a smaller party pays the $550 minimum. A travel "
        "fee applies beyond 30 miles from the station (see the service area). Example: 10 "
        "adults and 2 kids = $550 + $60 = $610 of food.",
    ),
    (
        "Deposit and paying the balance",
        "policy",
        "A fixed $100 deposit secures the date, time and chef. It is due within "
        f"{_RULES['deposit_deadline']} of booking; a booking whose deposit is not paid within "
        f"{_RULES['deposit_deadline']} is cancelled automatically. The deposit counts toward the "
        "total, and the balance is paid on the day of the event (card, cash, Zelle or Venmo).",
    ),
    (
        "Cancellation policy",
        "policy",
        f"Cancel {DEFAULT_BOOKING_RULES.refund_notice.days} or more days before the event with "
        "the link in your confirmation email and the $100 deposit is refunded. Inside "
        f"{_RULES['refund_notice']} a cancellation becomes a request that our team reviews, and "
        "the deposit is not refunded unless the team decides otherwise.",
    ),
    (
        "Rescheduling",
        "policy",
        "You can move your booking to another date or time slot with available chefs through "
        f"the link in your confirmation email, up to {_RULES['change_cutoff']} before the event. "
        f"Inside {_RULES['change_cutoff']}, contact us and our team will help.",
    ),
    (
        "Service area and travel fee",
        "service_area",
        "Our chefs are based at our Fremont, CA station (47481 Towhee St, Fremont, CA 94539). "
        "The first 30 miles of travel are free; beyond that the travel fee is $2 per mile. We "
        "travel up to 150 miles from the station; farther than that is outside our service "
        "area. Distance is estimated by road from the ZIP code of the event.",
    ),
    (
        "Gratuity",
        "pricing",
        "Gratuity is not included in the quote. If you enjoyed the show, 20-35% of the total is "
        "customary; it is paid directly to your chef.",
    ),
    (
        "Allergies and dietary needs",
        "faq",
        "Tell us about allergies and dietary needs (vegetarian, gluten, shellfish, ...) in the "
        "special requests when you book, and remind your chef on the day. Tofu and vegetables "
        "are available as vegetarian choices. For a severe allergy, contact us before booking "
        "so our team can confirm what the chef can do.",
    ),
    (
        "How booking works",
        "faq",
        f"Pick a date and one of {_SLOT_COUNT} time slots ({_SLOTS} or {_LAST_SLOT}, local time), "
        f"from {_RULES['booking_min_lead']} up to {_RULES['booking_max_ahead']} ahead. Tell us how "
        "many adults, kids and toddlers will eat and the address of the party; the quote shows "
        "the food, any travel fee and the total. Booking assigns a chef at once; pay the $100 "
        f"deposit within {_RULES['deposit_deadline']} to confirm. You get a link to manage "
        "(reschedule or cancel) your booking, and the balance is paid on the day.",
    ),
)
