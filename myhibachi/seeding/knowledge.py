"""The AI assistant's starting knowledge base: (title, category, body), numbers from docs/business-rules.md.

Staff edit these in the admin afterwards; the seed only adds titles that are missing.
Prices in the text are the defaults of the reference seed; the assistant quotes real prices
from the pricing engine, never from these texts.
"""

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
        "A fixed $100 deposit secures the date, time and chef. It is due within 24 hours of "
        "booking; a booking whose deposit is not paid within 24 hours is cancelled "
        "automatically. The deposit counts toward the total, and the balance is paid on the "
        "day of the event (card, cash, Zelle or Venmo).",
    ),
    (
        "Cancellation policy",
        "policy",
        "Cancel 4 or more days before the event with the link in your confirmation email and "
        "the $100 deposit is refunded. Inside 4 days a cancellation becomes a request that our "
        "team reviews, and the deposit is not refunded unless the team decides otherwise.",
    ),
    (
        "Rescheduling",
        "policy",
        "You can move your booking to another date or time slot with available chefs through "
        "the link in your confirmation email, up to 72 hours before the event. Inside 72 hours, "
        "contact us and our team will help.",
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
        "Pick a date and one of four time slots (12:00, 15:00, 18:00 or 21:00, local time), from "
        "48 hours up to a year ahead. Tell us how many adults, kids and toddlers will eat and "
        "the address of the party; the quote shows the food, any travel fee and the total. "
        "Booking assigns a chef at once; pay the $100 deposit within 24 hours to confirm. You "
        "get a link to manage (reschedule or cancel) your booking, and the balance is paid on "
        "the day.",
    ),
)
