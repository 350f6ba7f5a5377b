"""Convert the seeded knowledge to placeholders (issue 12): an entry whose title and body are still
exactly as the first seed wrote them (prices typed in) becomes the new entry, whose figures are
filled from the catalogue and the booking policy when the assistant answers. Entries staff
edited are left alone (the knowledge admin now asks them to use placeholders).
"""

from django.db import migrations

# (old title, old body, new title, new category, new body)
CONVERSIONS = [
    (
        "Menu: proteins and what every meal includes",
        "Every guest chooses two proteins from: chicken, NY strip steak, shrimp, calamari and tofu. Every meal includes hibachi fried rice, grilled vegetables, a salad and our sauces.",
        "Menu: proteins and what every meal includes",
        "menu",
        "Every guest chooses two proteins from: chicken, NY strip steak, shrimp, calamari and tofu. Every meal includes hibachi fried rice, grilled vegetables, a salad and our sauces.",
    ),
    (
        "Protein upgrades",
        "An upgrade replaces one of a guest's two proteins and is priced per serving: salmon $5, scallops $5, filet mignon $5, lobster tail $15.",
        "Protein upgrades: salmon, scallops, filet mignon, lobster",
        "menu",
        "An upgrade replaces one of a guest's two proteins and is priced per serving: salmon {price_salmon}, scallops {price_scallops}, filet mignon {price_filet_mignon}, lobster tail {price_lobster_tail}.",
    ),
    (
        "Add-ons",
        "Add-ons come on top of the meal and are priced per serving: yakisoba noodles $5, extra fried rice $5, extra vegetables $5, edamame $5, gyoza $10, extra protein $10.",
        "Add-ons: noodles, fried rice, vegetables, edamame, gyoza",
        "menu",
        "Add-ons come on top of the meal and are priced per serving: yakisoba noodles {price_yakisoba_noodles}, extra fried rice {price_extra_fried_rice}, extra vegetables {price_extra_vegetables}, edamame {price_edamame}, gyoza {price_gyoza}, extra protein {price_extra_protein}.",
    ),
    (
        "Prices per guest and the party minimum",
        "Adults (13 and over) are $55 per person, kids (6 to 12) $30 per person, and toddlers (5 and under) eat free; please still count them. Every party has a $550 food minimum (the meals plus upgrades and add-ons): a smaller party pays the $550 minimum. A travel fee applies beyond 30 miles from the station (see the service area). Example: 10 adults and 2 kids = $550 + $60 = $610 of food.",
        "Prices per guest and the party minimum",
        "pricing",
        "Adults (13 and over) are {adult_price} per person, kids (6 to 12) {kid_price} per person, and toddlers (5 and under) eat free; please still count them. Every party has a {party_minimum} food minimum (the meals plus upgrades and add-ons): a smaller party pays the minimum. A travel fee applies beyond {free_miles} miles from the station. Tell me your party and ZIP code and I will work out the exact quote.",
    ),
    (
        "Deposit and paying the balance",
        "A fixed $100 deposit secures the date, time and chef. It is due within 24 hours of booking; a booking whose deposit is not paid within 24 hours is cancelled automatically. The deposit counts toward the total, and the balance is paid on the day of the event (card, cash, Zelle or Venmo).",
        "Deposit and paying the balance",
        "policy",
        "A fixed {deposit} deposit secures the date, time and chef. It is due within {deposit_deadline_hours} hours of booking; a booking whose deposit is not paid in time is cancelled automatically. The deposit counts toward the total, and the balance is paid on the day of the event (card, cash, Zelle or Venmo).",
    ),
    (
        "Cancellation policy",
        "Cancel 4 or more days before the event with the link in your confirmation email and the $100 deposit is refunded. Inside 4 days a cancellation becomes a request that our team reviews, and the deposit is not refunded unless the team decides otherwise.",
        "Cancellation and refund policy",
        "policy",
        "Cancel {refund_notice_days} or more days before the event with the link in your confirmation email and the {deposit} deposit is refunded. Inside {refund_notice_days} days a cancellation becomes a request that our team reviews, and the deposit is not refunded unless the team decides otherwise.",
    ),
    (
        "Rescheduling",
        "You can move your booking to another date or time slot with available chefs through the link in your confirmation email, up to 72 hours before the event. Inside 72 hours, contact us and our team will help.",
        "Rescheduling and changing a booking",
        "policy",
        "You can move your booking to another date or time slot with available chefs, or change the party and menu, through the link in your confirmation email, up to {change_cutoff_hours} hours before the event. Inside {change_cutoff_hours} hours, contact us and our team will help.",
    ),
    (
        "Service area and travel fee",
        "Our chefs are based at our Fremont, CA station (47481 Towhee St, Fremont, CA 94539). The first 30 miles of travel are free; beyond that the travel fee is $2 per mile. We travel up to 150 miles from the station; farther than that is outside our service area. Distance is estimated by road from the ZIP code of the event.",
        "Service area and travel fee",
        "service_area",
        "Our chefs are based at our {station_name} station ({station_address}). The first {free_miles} miles of travel are free; beyond that the travel fee is {price_per_mile} per mile. We travel up to {max_distance_miles} miles from the station; farther than that is outside our service area. Distance is estimated by road from the ZIP code of the event.",
    ),
    (
        "Gratuity",
        "Gratuity is not included in the quote. If you enjoyed the show, 20-35% of the total is customary; it is paid directly to your chef.",
        "Gratuity and tips",
        "pricing",
        "Gratuity is not included in the quote. If you enjoyed the show, {gratuity_min_percent}-{gratuity_max_percent} percent of the total is customary; it is paid directly to your chef.",
    ),
    (
        "Allergies and dietary needs",
        "Tell us about allergies and dietary needs (vegetarian, gluten, shellfish, ...) in the special requests when you book, and remind your chef on the day. Tofu and vegetables are available as vegetarian choices. For a severe allergy, contact us before booking so our team can confirm what the chef can do.",
        "Allergies and dietary needs: vegetarian, vegan, gluten, shellfish",
        "faq",
        "Tell us about allergies and dietary needs (vegetarian, vegan, gluten free, shellfish, nuts) in the special requests when you book, and remind your chef on the day. Tofu and vegetables are available as vegetarian choices, and the chef can cook them first on a clean grill. For a severe allergy or celiac disease, contact us before booking so our team can confirm what the chef can do.",
    ),
    (
        "How booking works",
        "Pick a date and one of four time slots (12:00, 15:00, 18:00 or 21:00, local time), from 48 hours up to a year ahead. Tell us how many adults, kids and toddlers will eat and the address of the party; the quote shows the food, any travel fee and the total. Booking assigns a chef at once; pay the $100 deposit within 24 hours to confirm. You get a link to manage (reschedule or cancel) your booking, and the balance is paid on the day.",
        "How booking works",
        "faq",
        "Pick a date and one of the time slots ({slots}, local time), from {booking_min_lead_hours} hours up to {booking_max_ahead_days} days ahead. Tell us how many adults, kids and toddlers will eat and the address of the party; the quote shows the food, any travel fee and the total. Booking assigns a chef at once; pay the {deposit} deposit within {deposit_deadline_hours} hours to confirm. You get a link to manage (reschedule or cancel) your booking, and the balance is paid on the day.",
    ),
]


def convert(apps, schema_editor):
    Knowledge = apps.get_model("ai", "Knowledge")
    for old_title, old_body, new_title, category, new_body in CONVERSIONS:
        if old_title != new_title and Knowledge.objects.filter(title=new_title).exists():
            continue
        Knowledge.objects.filter(title=old_title, body=old_body).update(
            title=new_title, category=category, body=new_body
        )


class Migration(migrations.Migration):
    dependencies = [("ai", "0005_assistant_state_and_search")]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
