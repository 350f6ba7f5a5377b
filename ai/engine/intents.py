"""What a message asks for (its intent) and whether it must go to a person (escalation triggers).

Keyword rules over the message with its misspellings corrected against the rules' own
vocabulary (difflib, so "refnd" and "availabilty" still match). Deterministic and fast.
The escalation triggers that need an engine (30+ guests, outside the service area) are decided
by the rules engine from the facts and the distance engine, not here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from ai.models import Conversation

Reason = Conversation.EscalationReason

# Each escalation reason's phrases. Word boundaries are added around each.
ESCALATION_PATTERNS: dict[str, tuple[str, ...]] = {
    Reason.HUMAN_REQUESTED: (
        r"(?:real|actual|live) (?:person|human|agent|people)",
        r"human(?: being)?",
        r"(?:talk|speak|chat) (?:to|with) (?:a |an |some)?(?:one|someone|somebody|person|manager|agent|staff|owner|rep|representative|team)",  # noqa: E501
        r"(?:an? )?(?:agent|representative|rep|operator)",
        r"(?:your )?manager",
        r"someone (?:call|text|email|phone|contact) me",
        r"(?:call|phone) me(?! [a-z]+$)(?! (?:at|on) \+?\(?\d)(?: back)?",
        r"have (?:someone|somebody) (?:call|contact|reach)",
        r"not a (?:bot|robot)",
        r"stop (?:the )?bot",
        r"(?:no more |not talking to a )?bots?(?: please)?$",
    ),
    Reason.COMPLAINT: (
        r"complain(?:t|ts|ing)?",
        r"(?:terrible|awful|horrible|disgusting|unacceptable|worst|ruined|rude|unprofessional)",
        r"(?:very |really |so |extremely )?(?:disappointed|unhappy|upset|angry|furious|dissatisfied)",
        r"(?:never|didn'?t|did not) (?:show(?:ed)? up|arrive|come|turn up)",
        r"no[- ]show",
        r"(?:was|were|came|showed up) (?:\w+ )?(?:hours? )?late",
        r"(?:got|made us|made me) sick",
        r"food poisoning",
        r"bad (?:experience|service|food)",
        r"(?:undercooked|raw chicken|cold food|burnt)",
        r"not happy",
        r"poor service",
        r"(?:ridiculous|outrageous|shameful|scam)",
        r"(?:nobody|no one|no-one) (?:answered|responded|replied|called|got back|showed)",
        r"(?:haven'?t|have not|never) heard back",
    ),
    Reason.REFUND: (
        r"(?:want|need|demand|get|give|request|requesting|expect|where is|where's) (?:\w+ )?(?:my |a |our |the )?(?:full )?refund",  # noqa: E501
        r"refund (?:me|us|my|our)",
        r"(?:my|our) (?:money|deposit) back",
        r"money back",
        r"charge ?back",
        r"(?:dispute|disputing) (?:the |a |my )?(?:charge|payment)",
        r"(?:charged|billed) (?:me |us )?twice",
        r"(?:overcharged|double charged|wrongly charged)",
        r"(?:haven'?t|have not|never|didn'?t|did not) (?:got|gotten|received|receive|get) (?:my |the |our )?refund",  # noqa: E501
        r"refund (?:status|request)",
        r"i'?d like a refund",
        r"refund please",
    ),
    Reason.DISCOUNT: (
        r"discounts?",
        r"coupons?",
        r"promo(?: code)?s?",
        r"(?:promotion|voucher|deal|deals|special offer)",
        r"(?:lower|reduce|better|cheaper|best) (?:the )?(?:price|rate|deal)",
        r"(?:any|a) (?:cheaper|lower)",
        r"price match",
        r"(?:military|senior|student|veteran|teacher|nurse|first responder)s? (?:discount|rate|price)",
        r"(?:knock|take) (?:\w+ )?off",
        r"\d+ ?(?:%|percent)? off",
        r"negotiat(?:e|able)",
        r"cut (?:us|me) a (?:deal|break)",
        r"(?:too|so) expensive",
        r"can you do (?:it )?(?:for )?(?:less|cheaper)",
    ),
    Reason.CORPORATE: (
        r"corporate",
        r"company (?:party|event|picnic|dinner|outing|retreat|lunch|offsite)",
        r"(?:office|work|team|staff|employee|employees|business|client|company's|holiday work) (?:party|event|lunch|dinner|outing|gathering|celebration|offsite)",  # noqa: E501
        r"team[- ]building",
        r"(?:our|my) (?:company|employer|firm|office|startup|business)",
        r"(?:for|with) (?:our|my) (?:employees|coworkers|co-workers|colleagues|team|staff|clients)",
        r"invoice (?:our|my|the) (?:company|business|firm)",
        r"purchase order",
        r"(?:w-?9|net[- ]?30)",
    ),
}

INTENT_PATTERNS: dict[str, tuple[str, ...]] = {
    "quote": (
        r"(?:how much|what(?:'s| is| would be| will be)? (?:the )?(?:cost|price|total|damage))",
        r"quote",
        r"estimate",
        r"cost(?:s)?",
        r"pric(?:e|es|ing)",
        r"total",
        r"charge(?:s)? for",
        r"per (?:person|head|adult|kid)",
        r"budget",
        r"rates?",
    ),
    "availability": (
        r"availab(?:le|ility)",
        r"(?:are|is) (?:you|your chefs?|a chef|anyone) (?:free|open|booked)",
        r"(?:any|have) (?:openings?|slots?|spots?|times?|dates?)",
        r"open (?:slots?|dates?|times?)",
        r"fully booked",
        r"what (?:times?|slots?|dates?)",
        r"still (?:free|open)",
        r"booked up",
        r"(?:open|free|available) (?:that day|then|that night)",
        r"(?:is|are) [\w:]+ (?:open|free|available)",
    ),
    "booking": (
        r"book(?:ing)?",
        r"reserve|reservation",
        r"(?:sign|lock) (?:us|me) up",
        r"secure (?:the|a|our) (?:date|spot)",
        r"how do i (?:order|schedule|get started)",
        r"schedule (?:a|an|the|our)",
        r"make (?:a|the) (?:booking|reservation)",
        r"change (?:my|our|the) (?:booking|reservation|date|time|party)",
    ),
    "menu": (
        r"menu",
        r"(?:what|which) (?:food|proteins?|meats?|dishes|options)",
        r"proteins?",
        r"what(?:'s| is| do you)? (?:included|include|come with|serve|cook)",
        r"(?:meal|dinner|package|menu|it|price) (?:include|includes|included|come with|comes with)",
        r"upgrades?",
        r"add[- ]?ons?",
        r"lobster|filet|steak|shrimp|chicken|salmon|scallops?|calamari|noodles|gyoza|edamame|fried rice|sauces?",  # noqa: E501
    ),
    "policy": (
        r"deposit",
        r"cancel(?:l?ation|l?ed|ing|l?)?",
        r"refund (?:policy|rules)",
        r"(?:get|getting) (?:the|my|our) deposit back",
        r"resched(?:ule|uling)|move (?:the|my|our) (?:date|booking|event)|postpone",
        r"minimum",
        r"gratuity|tip(?:s|ping)?",
        r"balance",
        r"pay(?:ment|ing)? (?:methods?|options?)|(?:venmo|zelle|cash|credit card)",
        r"(?:policy|policies)",
    ),
    "service_area": (
        r"(?:service|serving) area",
        r"(?:do|can|will) you (?:come|travel|serve|go|cover|drive)",
        r"travel(?:ing)? fee|travel",
        r"how far",
        r"(?:come|travel|drive) to",
        r"(?:what|which) (?:areas?|cities|towns|regions)",
        r"miles?|distance",
        r"where (?:are you|do you)",
    ),
    "dietary": (
        r"vegetarian|vegan|veggie",
        r"gluten|celiac|coeliac",
        r"allerg(?:y|ies|ic)",
        r"shellfish|nuts?|peanuts?|dairy|lactose|soy|sesame|egg allergy",
        r"halal|kosher|pescatarian|keto",
        r"dietary|diet",
    ),
    "faq": (
        r"rain(?:s|ing|y)?|weather|indoors?|inside|garage|covered|patio|balcony|apartment",
        r"(?:how long|duration|last)",
        r"(?:what|do) (?:do )?(?:we|i) (?:need to )?(?:provide|prepare|need|bring|set up)",
        r"(?:do you|you) bring|grill|propane|equipment|tables?|plates|chairs|utensils|space",
        r"(?:do|are|can) (?:kids?|children|toddlers?|babies)",
        r"(?:kids?|children|toddlers?|babies) (?:eat|price|pricing|free|menu|count|pay)",
        r"(?:price|charge|cost|pay) for (?:kids?|children|toddlers?|babies)",
        r"arriv(?:e|al)|set ?up|early|clean ?up",
        r"show|entertain(?:ment)?|tricks|onion volcano",
        r"smoke|ventilat(?:ed|ion)|fire",
        r"leftovers?|alcohol|drinks|beverages|bartender|sake|dessert",
    ),
    "greeting": (r"(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|greetings)",),
    "thanks": (
        r"thanks?(?: you)?|thx|ty|appreciate(?: it)?|awesome|perfect|great(?:,)? thanks|cheers",
        r"(?:bye|goodbye|see you|that's all|that is all)",
    ),
}

# Topics inside "policy" and "faq", for choosing the right knowledge entry.
VOCABULARY_EXTRA = (
    "refund", "discount", "coupon", "complaint", "corporate", "company", "availability", "available",
    "booking", "reservation", "cancellation", "reschedule", "deposit", "gratuity", "vegetarian",
    "allergy", "allergies", "gluten", "shellfish", "minimum", "travel", "distance", "menu", "price",
    "quote", "toddlers", "children", "propane", "equipment", "indoors", "weather", "person",
    "human", "representative", "manager", "disappointed", "terrible", "horrible", "birthday",
    "anniversary", "wedding", "employees", "promo", "upgrade", "lobster", "salmon", "scallops",
    "filet", "noodles", "edamame", "vegetables", "included", "evening", "afternoon", "saturday",
    "sunday", "friday", "tomorrow", "weekend", "adults", "people", "guests", "schedule", "cancel",
    "service", "area", "estimate", "interested", "please", "appreciate", "thanks", "hello",
)  # fmt: skip


@dataclass(frozen=True)
class Understanding:
    intents: tuple[str, ...]  # most specific first
    escalation: str | None
    text: str  # the message as matched (lower-case, misspellings corrected)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    words: set[str] = set(VOCABULARY_EXTRA)
    for patterns in (*ESCALATION_PATTERNS.values(), *INTENT_PATTERNS.values()):
        for pattern in patterns:
            words.update(word for word in re.findall(r"[a-z]{4,}", pattern))
    return frozenset(words), tuple(sorted(words))


@lru_cache(maxsize=4096)
def _corrected(word: str) -> str:
    known, ordered = _vocabulary()
    if len(word) < 4 or word in known or not word.isalpha():
        return word
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.84)
    return close[0] if close else word


def normalise(message: str) -> str:
    text = message.lower().replace("\u2019", "'")
    text = re.sub(r"[^\w@.'$/:+-]+", " ", text)
    return " ".join(_corrected(word) for word in text.split())


def _matches(patterns: tuple[str, ...], text: str) -> int:
    return sum(1 for pattern in patterns if re.search(rf"(?:^|\b){pattern}(?:\b|$)", text))


def understand(message: str) -> Understanding:
    """The message's intents (strongest first) and its escalation trigger, if any."""
    text = normalise(message)
    escalation = None
    for reason, patterns in ESCALATION_PATTERNS.items():
        if _matches(patterns, text):
            escalation = reason
            break
    if escalation == Reason.REFUND and re.search(r"\brefund (?:policy|rules)\b|\bif (?:i|we) cancel", text):
        escalation = None  # a question about the rules, not a request for money back
    if escalation == Reason.HUMAN_REQUESTED and re.search(r"\bcall me [a-z]+$", text) and "back" not in text:
        escalation = None
    scores = {intent: _matches(patterns, text) for intent, patterns in INTENT_PATTERNS.items()}
    ranked = tuple(intent for intent, score in sorted(scores.items(), key=lambda kv: -kv[1]) if score)
    return Understanding(intents=ranked, escalation=escalation, text=text)
