"""The customer website's views: thin, like the API's (forms parse, services decide, templates show).

pages.py     home, reviews, contact, robots.txt, sitemap.xml, error pages
quote.py     the instant quote (htmx live total)
booking.py   the availability calendar and the booking form
pay.py       the payment step (Stripe Payment Element, or the fake gateway's test card) and the confirmation
manage.py    the manage page and its forms, the calendar file, the lost-link form
common.py    what they share: the customer actor, the booking behind a token
"""
