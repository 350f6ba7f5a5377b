"""The AI assistant's starting knowledge base: (title, category, body).

Staff edit these in the admin afterwards; the seed only adds titles that are missing. Bodies
never type a price or a policy figure: they use placeholders ({adult_price},
{refund_notice_days}, ...) that the assistant fills from the catalogue and the booking policy
when it answers, so a price change in the admin changes every answer (ai.engine.knowledge).
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
        "Protein upgrades: salmon, scallops, filet mignon, lobster",
        "menu",
        "An upgrade replaces one of a guest's two proteins and is priced per serving: salmon "
        "{price_salmon}, scallops {price_scallops}, filet mignon {price_filet_mignon}, lobster "
        "tail {price_lobster_tail}.",
    ),
    (
        "Add-ons: noodles, fried rice, vegetables, edamame, gyoza",
        "menu",
        "Add-ons come on top of the meal and are priced per serving: yakisoba noodles "
        "{price_yakisoba_noodles}, extra fried rice {price_extra_fried_rice}, extra vegetables "
        "{price_extra_vegetables}, edamame {price_edamame}, gyoza {price_gyoza}, extra protein "
        "{price_extra_protein}.",
    ),
    (
        "Prices per guest and the party minimum",
        "pricing",
        "Adults (13 and over) are {adult_price} per person, kids (6 to 12) {kid_price} per "
        "person, and toddlers (5 and under) eat free; please still count them. Every party has a "
        "{party_minimum} food minimum (the meals plus upgrades and add-ons): a smaller party pays "
        "the minimum. A travel fee applies beyond {free_miles} miles from the station. Tell me "
        "your party and ZIP code and I will work out the exact quote.",
    ),
    (
        "Deposit and paying the balance",
        "policy",
        "A fixed {deposit} deposit secures the date, time and chef. It is due within "
        "{deposit_deadline_hours} hours of booking; a booking whose deposit is not paid in time is "
        "cancelled automatically. The deposit counts toward the total, and the balance is paid "
        "on the day of the event (card, cash, Zelle or Venmo).",
    ),
    (
        "Cancellation and refund policy",
        "policy",
        "Cancel {refund_notice_days} or more days before the event with the link in your "
        "confirmation email and the {deposit} deposit is refunded. Inside {refund_notice_days} "
        "days a cancellation becomes a request that our team reviews, and the deposit is not "
        "refunded unless the team decides otherwise.",
    ),
    (
        "Rescheduling and changing a booking",
        "policy",
        "You can move your booking to another date or time slot with available chefs, or change "
        "the party and menu, through the link in your confirmation email, up to "
        "{change_cutoff_hours} hours before the event. Inside {change_cutoff_hours} hours, "
        "contact us and our team will help.",
    ),
    (
        "Service area and travel fee",
        "service_area",
        "Our chefs are based at our {station_name} station ({station_address}). The first "
        "{free_miles} miles of travel are free; beyond that the travel fee is {price_per_mile} per "
        "mile. We travel up to {max_distance_miles} miles from the station; farther than that is "
        "outside our service area. Distance is estimated by road from the ZIP code of the event.",
    ),
    (
        "Gratuity and tips",
        "pricing",
        "Gratuity is not included in the quote. If you enjoyed the show, "
        "{gratuity_min_percent}-{gratuity_max_percent} percent of the total is customary; it is "
        "paid directly to your chef.",
    ),
    (
        "Allergies and dietary needs: vegetarian, vegan, gluten, shellfish",
        "faq",
        "Tell us about allergies and dietary needs (vegetarian, vegan, gluten free, shellfish, "
        "nuts) in the special requests when you book, and remind your chef on the day. Tofu and "
        "vegetables are available as vegetarian choices, and the chef can cook them first on a "
        "clean grill. For a severe allergy or celiac disease, contact us before booking so our "
        "team can confirm what the chef can do.",
    ),
    (
        "What we bring and what the host provides",
        "faq",
        "We bring the hibachi grill, the propane, the food, the chef's tools and our sauces. You "
        "provide the tables and chairs for your guests, plates, cutlery and drinks, and a flat "
        "space of about ten by ten feet for the grill: outdoors, or a well-ventilated space such "
        "as an open garage or a covered patio.",
    ),
    (
        "Rain, weather and indoor events",
        "faq",
        "The grill needs open air or a well-ventilated space: a covered patio, an open garage or "
        "a tent works in the rain. We cannot cook in a closed room or under a low ceiling "
        "because of smoke and heat. If the weather looks bad, move the event under cover or "
        "reschedule through your booking link.",
    ),
    (
        "Kids and toddlers",
        "pricing",
        "Kids from 6 to 12 pay the kid price of {kid_price}, and toddlers (5 and under) eat free "
        "from their parents' plates; please count them when you book so the chef brings enough. "
        "Kids love the show: the chef keeps them at a safe distance from the grill.",
    ),
    (
        "How long the show lasts, timing and arrival",
        "faq",
        "The chef arrives about twenty minutes before your time slot to set up. Cooking and the "
        "show take about an hour and a half to two hours, depending on the party. The time "
        "slots are {slots}, local time.",
    ),
    (
        "How booking works",
        "faq",
        "Pick a date and one of the time slots ({slots}, local time), from "
        "{booking_min_lead_hours} hours up to {booking_max_ahead_days} days ahead. Tell us how "
        "many adults, kids and toddlers will eat and the address of the party; the quote shows "
        "the food, any travel fee and the total. Booking assigns a chef at once; pay the "
        "{deposit} deposit within {deposit_deadline_hours} hours to confirm. You get a link to "
        "manage (reschedule or cancel) your booking, and the balance is paid on the day.",
    ),
    (
        "Large parties and corporate events",
        "faq",
        "Parties of {staff_party_size} guests or more, and corporate events, are planned with our "
        "team rather than booked online: we may send more than one chef. I will pass you to a "
        "team member who will get back to you.",
    ),
    (
        "Drinks, desserts and leftovers",
        "faq",
        "We do not serve alcohol or desserts: you are welcome to provide drinks and dessert. "
        "Leftovers are yours to keep; have some containers ready.",
    ),
    (
        "Contact and talking to our team",
        "faq",
        "Leave your name and your email or phone number here and our team will get back to you, "
        "or ask me to pass you to a person at any time.",
    ),
)
