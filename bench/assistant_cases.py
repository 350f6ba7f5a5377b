"""The assistant's labelled evaluation set (bench/assistant_eval.py).

Today is Monday 2027-03-01 in Fremont (the evaluation freezes the clock there), so "next
Saturday" is 2027-03-06. Each single message is labelled with its intent (or the escalation
it must trigger) and the facts it states; each conversation turn with the facts understood so
far. Intents: greeting, thanks, quote, availability, booking, menu, policy, service_area,
dietary, faq, contact, and escalate:<reason>.
"""

# (message, intent, facts the message states)
SINGLE: list[tuple[str, str, dict]] = [
    # --- quotes -------------------------------------------------------------------------------
    (
        "How much for 10 adults and 2 kids in 94539?",
        "quote",
        {"party_adults": 10, "party_kids": 2, "zip_code": "94539"},
    ),
    ("price for 15 ppl zip 94538", "quote", {"party_adults": 15, "zip_code": "94538"}),
    (
        "Can I get a quote for twelve adults in 94555 on June 14?",
        "quote",
        {"party_adults": 12, "zip_code": "94555", "date": "2027-06-14"},
    ),
    ("whats the cost for a party of 8 in 95014", "quote", {"party_adults": 8, "zip_code": "95014"}),
    ("how much would it be for a dozen people", "quote", {"party_adults": 12}),
    (
        "Quote please: 20 people including 5 kids, 94560",
        "quote",
        {"party_adults": 15, "party_kids": 5, "zip_code": "94560"},
    ),
    ("how mcuh for 10 adluts in 94539", "quote", {"party_adults": 10, "zip_code": "94539"}),
    (
        "Estimate for 9 adults, 3 children and 1 toddler at 94536",
        "quote",
        {"party_adults": 9, "party_kids": 3, "party_toddlers": 1, "zip_code": "94536"},
    ),
    (
        "pricing for 14 guests with 4 lobster tails, zip 94539",
        "quote",
        {"party_adults": 14, "zip_code": "94539", "items": [{"code": "lobster_tail", "quantity": 4}]},
    ),
    (
        "What's the total for 11 adults on 7/4 in 94587?",
        "quote",
        {"party_adults": 11, "zip_code": "94587", "date": "2027-07-04"},
    ),
    ("how much do you charge per person?", "quote", {}),
    ("ballpark cost for 25 guests?", "quote", {"party_adults": 25}),
    ("How much is it for 6 adults? We're in 94566", "quote", {"party_adults": 6, "zip_code": "94566"}),
    (
        "Need a price: 16 adults + 6 kids, 94539, next Saturday evening",
        "quote",
        {"party_adults": 16, "party_kids": 6, "zip_code": "94539", "date": "2027-03-06", "slot": "18:00"},
    ),
    (
        "cost for ten grown-ups and two kids in 95035?",
        "quote",
        {"party_adults": 10, "party_kids": 2, "zip_code": "95035"},
    ),
    (
        "what would 18 people cost in 94539 with 6 filet mignon",
        "quote",
        {"party_adults": 18, "zip_code": "94539", "items": [{"code": "filet_mignon", "quantity": 6}]},
    ),
    ("Hi! quote for 10 adults in 94539 please", "quote", {"party_adults": 10, "zip_code": "94539"}),
    (
        "how much for 10 adults and 4 kids in 95127 on the 20th?",
        "quote",
        {"party_adults": 10, "party_kids": 4, "zip_code": "95127", "date": "2027-03-20"},
    ),
    # --- availability ---------------------------------------------------------------------------
    ("Are you available next Saturday?", "availability", {"date": "2027-03-06"}),
    ("do you have availability on June 14 at 6pm", "availability", {"date": "2027-06-14", "slot": "18:00"}),
    ("any openings on 4/17?", "availability", {"date": "2027-04-17"}),
    ("Is March 20 still free for dinner?", "availability", {"date": "2027-03-20", "slot": "18:00"}),
    ("what times do you have on the 27th", "availability", {"date": "2027-03-27"}),
    ("are u availble july 4th evening", "availability", {"date": "2027-07-04", "slot": "18:00"}),
    (
        "Do you have a chef free on Sunday March 14 for lunch?",
        "availability",
        {"date": "2027-03-14", "slot": "12:00"},
    ),
    ("can you do May 8 at 3pm?", "availability", {"date": "2027-05-08", "slot": "15:00"}),
    ("what dates are open in April?", "availability", {}),
    ("Is 9pm available on 5/1?", "availability", {"date": "2027-05-01", "slot": "21:00"}),
    ("still open on the 13th at noon?", "availability", {"date": "2027-03-13", "slot": "12:00"}),
    # --- booking --------------------------------------------------------------------------------
    ("How do I book?", "booking", {}),
    ("I'd like to make a reservation", "booking", {}),
    ("ok let's book it for 12 adults on June 14", "booking", {"party_adults": 12, "date": "2027-06-14"}),
    ("how can I reserve a chef", "booking", {}),
    ("sign me up!", "booking", {}),
    ("can I change my booking to a different party size", "booking", {}),
    # --- menu -----------------------------------------------------------------------------------
    ("What's on the menu?", "menu", {}),
    ("what proteins can we choose", "menu", {}),
    ("what does the meal include", "menu", {}),
    ("do you have lobster?", "menu", {}),
    ("what upgrades do you offer", "menu", {}),
    ("any add-ons like noodles or gyoza?", "menu", {}),
    ("whats incldued with dinner", "menu", {}),
    # --- policies -------------------------------------------------------------------------------
    ("How much is the deposit?", "policy", {}),
    ("what's your cancellation policy", "policy", {}),
    ("Can I reschedule my event?", "policy", {}),
    ("is there a minimum order?", "policy", {}),
    ("do we tip the chef?", "policy", {}),
    ("when do I pay the balance", "policy", {}),
    ("What's your refund policy if I cancel?", "policy", {}),
    ("how much gratuity is customary", "policy", {}),
    ("can I pay with venmo?", "policy", {}),
    ("do I get my deposit back if I cancel a week before?", "policy", {}),
    # --- service area ---------------------------------------------------------------------------
    ("Do you come to San Jose?", "service_area", {}),
    ("how far do you travel", "service_area", {}),
    ("is there a travel fee?", "service_area", {}),
    ("what areas do you serve", "service_area", {}),
    ("do you travel to Sacramento", "service_area", {}),
    # --- dietary --------------------------------------------------------------------------------
    ("Do you have vegetarian options?", "dietary", {}),
    ("my daughter has a shellfish allergy", "dietary", {}),
    ("can you do gluten free?", "dietary", {}),
    ("we have a vegan guest", "dietary", {}),
    ("any nut allergies concerns?", "dietary", {}),
    # --- practical questions ---------------------------------------------------------------------
    ("What if it rains?", "faq", {}),
    ("How long does the show last?", "faq", {}),
    ("what do we need to provide?", "faq", {}),
    ("do you bring the grill and propane?", "faq", {}),
    ("can the chef cook indoors in our garage?", "faq", {}),
    ("do kids eat free?", "faq", {}),
    ("when does the chef arrive", "faq", {}),
    ("do you bring plates and tables?", "faq", {}),
    ("can we keep the leftovers", "faq", {}),
    # --- greetings, thanks, contact ---------------------------------------------------------------
    ("hello", "greeting", {}),
    ("Hi there!", "greeting", {}),
    ("good morning", "greeting", {}),
    ("thanks so much!", "thanks", {}),
    ("thx", "thanks", {}),
    ("My name is Priya, priya@example.com", "contact", {"first_name": "Priya", "email": "priya@example.com"}),
    ("you can reach me at (510) 555-0199", "contact", {"phone": "+15105550199"}),
    ("I'm Marco, my number is 408-555-0123", "contact", {"first_name": "Marco", "phone": "+14085550123"}),
    ("email: jen.lee@example.org", "contact", {"email": "jen.lee@example.org"}),
    # --- escalations ------------------------------------------------------------------------------
    ("Can I talk to a real person?", "escalate:human_requested", {}),
    ("I want to speak to a manager", "escalate:human_requested", {}),
    ("please have someone call me", "escalate:human_requested", {}),
    ("are you a bot? let me talk to a human", "escalate:human_requested", {}),
    ("The chef was 2 hours late and rude. Very disappointed.", "escalate:complaint", {}),
    ("the food was cold and undercooked, terrible experience", "escalate:complaint", {}),
    ("your chef never showed up!!", "escalate:complaint", {}),
    ("I want a refund", "escalate:refund", {}),
    ("I was charged twice for my deposit", "escalate:refund", {}),
    ("when will I get my money back?", "escalate:refund", {}),
    ("I need a refund for my cancelled event", "escalate:refund", {}),
    ("Do you have any discounts?", "escalate:discount", {}),
    ("got a promo code?", "escalate:discount", {}),
    ("can you do it cheaper? that's too expensive", "escalate:discount", {}),
    ("any military discount", "escalate:discount", {}),
    ("We're planning a corporate event for our team", "escalate:corporate", {}),
    ("it's for our company holiday party", "escalate:corporate", {}),
    ("team building event for 20 employees", "escalate:corporate", {"party_adults": 20}),
    ("Quote for 40 guests in 94539", "escalate:large_party", {"party_adults": 40, "zip_code": "94539"}),
    ("we're 25 adults and 6 kids", "escalate:large_party", {"party_adults": 25, "party_kids": 6}),
    ("party of 30", "escalate:large_party", {"party_adults": 30}),
    (
        "how much for 10 adults in 10001?",
        "escalate:outside_service_area",
        {"party_adults": 10, "zip_code": "10001"},
    ),
    ("do you cater in 90210", "escalate:outside_service_area", {"zip_code": "90210"}),
    (
        "price for 12 people at 92101",
        "escalate:outside_service_area",
        {"party_adults": 12, "zip_code": "92101"},
    ),
    ("can you juggle flaming torches on a unicycle while reciting poetry?", "escalate:low_confidence", {}),
    ("xqzt blorf", "escalate:low_confidence", {}),
]

# Conversations: [(message, intent, facts understood after this turn)]
MULTI: list[list[tuple[str, str, dict]]] = [
    [
        ("hi", "greeting", {}),
        ("how much for 10 adults?", "quote", {"party_adults": 10}),
        ("94539", "quote", {"party_adults": 10, "zip_code": "94539"}),
        ("actually 12 adults", "quote", {"party_adults": 12, "zip_code": "94539"}),
    ],
    [
        ("Are you free next Saturday?", "availability", {"date": "2027-03-06"}),
        ("6pm works", "availability", {"date": "2027-03-06", "slot": "18:00"}),
        ("great, how do I book?", "booking", {"date": "2027-03-06", "slot": "18:00"}),
    ],
    [
        (
            "quote for 8 adults and 2 kids in 94538",
            "quote",
            {"party_adults": 8, "party_kids": 2, "zip_code": "94538"},
        ),
        (
            "add 4 lobster tails",
            "quote",
            {"party_adults": 8, "party_kids": 2, "items": [{"code": "lobster_tail", "quantity": 4}]},
        ),
        ("I'm Ann, ann@example.com", "contact", {"first_name": "Ann", "email": "ann@example.com"}),
    ],
    [
        ("what's included?", "menu", {}),
        ("and do you have vegetarian options", "dietary", {}),
        (
            "ok, price for 10 adults in 94539 on June 14",
            "quote",
            {"party_adults": 10, "zip_code": "94539", "date": "2027-06-14"},
        ),
        ("thanks!", "thanks", {"party_adults": 10}),
    ],
    [
        ("how much for 20 adults in 94539", "quote", {"party_adults": 20, "zip_code": "94539"}),
        (
            "plus 8 kids and 2 toddlers",
            "escalate:large_party",
            {"party_adults": 20, "party_kids": 8, "party_toddlers": 2},
        ),
    ],
    [
        ("hello", "greeting", {}),
        ("what's your cancellation policy", "policy", {}),
        ("ok I want a refund then", "escalate:refund", {}),
    ],
    [
        ("Do you travel to 95127?", "service_area", {"zip_code": "95127"}),
        ("how much for 10 adults there", "quote", {"party_adults": 10, "zip_code": "95127"}),
    ],
    [
        ("Hi, I'm Dana", "contact", {"first_name": "Dana"}),
        (
            "we're 15 adults on the 20th",
            "quote",
            {"first_name": "Dana", "party_adults": 15, "date": "2027-03-20"},
        ),
        ("zip is 94555", "quote", {"party_adults": 15, "zip_code": "94555", "date": "2027-03-20"}),
        ("call me at 510 555 0142", "contact", {"phone": "+15105550142"}),
    ],
    [
        ("is the deposit refundable?", "policy", {}),
        ("how much is it?", "policy", {}),
        ("can I talk to someone?", "escalate:human_requested", {}),
    ],
    [
        ("we need a chef on 5/1", "availability", {"date": "2027-05-01"}),
        ("at 3pm", "availability", {"date": "2027-05-01", "slot": "15:00"}),
        (
            "for 10 adults in 94539, how much?",
            "quote",
            {"date": "2027-05-01", "slot": "15:00", "party_adults": 10, "zip_code": "94539"},
        ),
    ],
    [
        ("does it work if it rains", "faq", {}),
        ("we have a covered patio", "faq", {}),
        ("how long is the show", "faq", {}),
    ],
    [
        ("quote for 12 adults in 94539", "quote", {"party_adults": 12, "zip_code": "94539"}),
        ("any discount for a birthday?", "escalate:discount", {"party_adults": 12}),
    ],
    [
        ("hey", "greeting", {}),
        ("it's for a company offsite", "escalate:corporate", {}),
    ],
    [
        ("how much for 10 adults and 3 kids", "quote", {"party_adults": 10, "party_kids": 3}),
        (
            "we're in 10001",
            "escalate:outside_service_area",
            {"party_adults": 10, "party_kids": 3, "zip_code": "10001"},
        ),
    ],
    [
        ("do you do gluten free", "dietary", {}),
        ("my son has a peanut allergy too", "dietary", {}),
        ("ok thanks", "thanks", {}),
    ],
    [
        (
            "price for a dozen adults on July 4th in 94539",
            "quote",
            {"party_adults": 12, "date": "2027-07-04", "zip_code": "94539"},
        ),
        (
            "is 6pm open that day?",
            "availability",
            {"party_adults": 12, "date": "2027-07-04", "slot": "18:00"},
        ),
        ("book it", "booking", {"party_adults": 12, "date": "2027-07-04", "slot": "18:00"}),
    ],
]

# Written after the engine was tuned on the sets above, to see how the rules generalise
# (bench/assistant_eval.py reports it apart). Its first run, before any change: intent 90.0 %
# (18/20), escalation recall 71.4 % (5/7: "this is ridiculous, nobody answered my emails" and
# "10% off" missed), precision 100 %, facts 91.7 % (11/12: "around 6" missed). Those three
# misses were then fixed, so it is no longer unseen; the first-run figures are the honest ones.
HELDOUT: list[tuple[str, str, dict]] = [
    ("yo what's the damage for 13 adults in 94538", "quote", {"party_adults": 13, "zip_code": "94538"}),
    (
        "could we get pricing for fourteen guests on April 10?",
        "quote",
        {"party_adults": 14, "date": "2027-04-10"},
    ),
    ("Is Friday the 19th open in the evening?", "availability", {"date": "2027-03-19", "slot": "18:00"}),
    ("do you guys have a spot on 6/20 around 6?", "availability", {"date": "2027-06-20", "slot": "18:00"}),
    ("what's the minimum spend", "policy", {}),
    ("how do refunds work if we cancel 2 days before", "policy", {}),
    ("do you serve Oakland?", "service_area", {}),
    ("can the chef make everything without soy? allergy", "dietary", {}),
    ("what happens if it's windy or raining", "faq", {}),
    ("does the chef bring his own knives and stuff", "faq", {}),
    ("is filet mignon an upgrade?", "menu", {}),
    ("this is ridiculous, nobody answered my emails", "escalate:complaint", {}),
    ("put me through to a human please", "escalate:human_requested", {}),
    ("can I get 10% off if I book two events", "escalate:discount", {}),
    ("please refund my deposit", "escalate:refund", {}),
    ("our firm wants a hibachi night for the staff", "escalate:corporate", {}),
    ("we'll have about 35 people", "escalate:large_party", {"party_adults": 35}),
    ("how much for 10 in 98101", "escalate:outside_service_area", {"party_adults": 10, "zip_code": "98101"}),
    ("Hey! I'm Luis", "contact", {"first_name": "Luis"}),
    ("thank you, that's all", "thanks", {}),
]
