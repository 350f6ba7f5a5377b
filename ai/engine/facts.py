"""What a customer's message tells us: party sizes, date, slot, ZIP code, contacts, name, items.

Deterministic and offline. Dates are read with dateparser in the station's time zone and are
never in the past; phones with phonenumbers. Facts accumulate across a conversation and a later
message corrects an earlier one ("actually 12 adults").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import dateparser
import phonenumbers

from ops.slots import EARLIEST_SLOT, LATEST_SLOT

FACT_KEYS = (
    "party_adults",
    "party_kids",
    "party_toddlers",
    "items",
    "date",
    "slot",
    "zip_code",
    "email",
    "phone",
    "first_name",
)

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a dozen": 12, "dozen": 12, "a couple": 2, "couple": 2, "a couple of": 2,
    "a few": 3, "few": 3, "half a dozen": 6, "two dozen": 24, "three dozen": 36,
}  # fmt: skip
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
NUMBER = (
    r"(?:\d{1,3}|half a dozen|(?:two|three) dozen|a dozen|dozen|a couple(?: of)?|a few|"
    rf"{_TENS}[- ]{_UNITS}|{_TENS}|one hundred|a hundred|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|ten|one|two|three|four|five|six|seven|eight|nine)"
)

ADULT_WORDS = r"(?:adults?|adlts?|adluts?|grown[- ]?ups?|grownups|men|women|ladies|guys)"
KID_WORDS = r"(?:kids?|children|childs?|child|kiddos?|boys|girls|teens?)"
TODDLER_WORDS = r"(?:toddlers?|todlers?|babies|baby|infants?|little ones?|under (?:5|five)s?)"
GUEST_WORDS = r"(?:people|ppl|persons|person|guests?|gusts?|pax|folks|of us|heads|attendees|eaters|ppl)"

SLOT_WORDS = {
    "noon": "12:00", "lunch": "12:00", "midday": "12:00", "lunchtime": "12:00",
    "afternoon": "15:00", "evening": "18:00", "dinner": "18:00", "dinnertime": "18:00",
    "supper": "18:00", "late night": "21:00", "night": "21:00", "late": "21:00",
}  # fmt: skip
MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
WEEKDAYS = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"  # noqa: E501
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_PATTERNS = (
    rf"\b(?:this|next|coming)\s+(?:{WEEKDAYS})\b",
    rf"\b(?:on\s+)?(?:{WEEKDAYS})(?:,)?\s+(?:the\s+)?{ORDINAL}(?:\s+of\s+{MONTHS})?\b",
    rf"\b{MONTHS}\.?\s+{ORDINAL}(?:,?\s+\d{{4}})?\b",
    rf"\b{ORDINAL}\s+(?:of\s+)?{MONTHS}(?:,?\s+\d{{4}})?\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    r"\bthe\s+\d{1,2}(?:st|nd|rd|th)\b",
    r"\b(?:tomorrow|today|day after tomorrow)\b",
    r"\bin\s+(?:\d+|two|three|four|five|six)\s+(?:days|weeks|months)\b",
    r"\b(?:this|next|coming)\s+weekend\b",
    rf"\b(?:{WEEKDAYS})\b",
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ZIP = re.compile(r"(?<![\d$.,/-])(\d{5})(?![\d/]|-\d{2}-)")
NAME_STOPWORDS = {
    "looking", "interested", "planning", "having", "hosting", "wondering", "trying", "not", "just",
    "so", "very", "here", "good", "fine", "great", "thinking", "curious", "getting", "ok", "okay",
    "a", "an", "the", "in", "at", "from", "on", "back", "also", "still", "sorry", "ready", "going",
    "celebrating", "throwing", "booking", "vegetarian", "vegan", "allergic", "hoping", "new",
    "calling", "texting", "writing", "asking", "wanting", "sure", "glad", "happy", "unhappy",
}  # fmt: skip
NAME = re.compile(
    r"(?:\bmy name is|\bmy name's|\bname is|\bname's|\bthis is|^i am|^i'm|^im|\bi am|\bi'm|\bit's|^hi,? i'm|"
    r"\bcall me)\s+([A-Za-z][A-Za-z'-]{1,30})",
    re.IGNORECASE,
)
ITEM_SYNONYMS = {
    "lobster_tail": r"lobster(?: tails?)?|lobsters",
    "filet_mignon": r"filet(?: mignon)?s?|fillet(?: mignon)?s?|filet mignons",
    "salmon": r"salmons?",
    "scallops": r"scallops?",
    "yakisoba_noodles": r"(?:yakisoba )?noodles|yakisoba",
    "extra_fried_rice": r"extra (?:fried )?rice",
    "extra_vegetables": r"extra (?:veggies|vegetables|veg)",
    "edamame": r"edamame",
    "gyoza": r"gyozas?|dumplings?",
    "extra_protein": r"extra proteins?",
}


def number_value(text: str) -> int | None:
    text = text.strip().lower().replace("-", " ")
    if text.isdigit():
        return int(text)
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    parts = text.split()
    if len(parts) == 2 and parts[0] in NUMBER_WORDS and parts[1] in NUMBER_WORDS:
        if parts[0] in ("one", "a") and parts[1] == "hundred":
            return 100
        return NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]]
    return None


@dataclass
class Extracted:
    """What one message said; only the keys it said anything about."""

    facts: dict[str, Any] = field(default_factory=dict)
    date_in_past: bool = False
    mentioned_guests: bool = False


def _party(text: str, found: dict[str, Any]) -> None:
    def count(words: str) -> int | None:
        pattern = re.compile(rf"\b({NUMBER})\s+(?:\w+\s+)?{words}\b")
        values = [number_value(m.group(1)) for m in pattern.finditer(text)]
        values = [v for v in values if v is not None]
        return values[-1] if values else None

    adults = count(ADULT_WORDS)
    kids = count(KID_WORDS)
    toddlers = count(TODDLER_WORDS)
    guests = count(GUEST_WORDS)
    if guests is None:
        for pattern in (
            rf"\bparty of\s+({NUMBER})\b",
            rf"\b(?:we are|we're|were|there are|there will be|there'll be|we will be|we'll be)\s+({NUMBER})\b(?!\s*(?:am|pm|:))",  # noqa: E501
            rf"\b(?:for|feed|serve|serving|feeding)\s+({NUMBER})\b(?!\s*(?:am|pm|:|/|st|nd|rd|th|{KID_WORDS}|{TODDLER_WORDS}|{ADULT_WORDS}|miles?|hours?|days?|dollars|bucks))",
            rf"\bheadcount(?: is| of)?\s+({NUMBER})\b",
            rf"\bactually\s+({NUMBER})\b(?!\s*(?:{KID_WORDS}|{TODDLER_WORDS}|am|pm))",
        ):
            match = re.search(pattern, text)
            if match and number_value(match.group(1)) is not None:
                guests = number_value(match.group(1))
                break
    if guests is not None and adults is None:
        # "20 people including 5 kids": the kids are part of the people.
        including = re.search(r"\b(?:including|incl|of which|of them|out of which|with)\b", text)
        adults = guests - (kids or 0) - (toddlers or 0) if including and (kids or toddlers) else guests
        if adults < 1:
            adults = guests
    if adults is not None and adults > 0:
        found["party_adults"] = adults
    if kids is not None:
        found["party_kids"] = kids
    if toddlers is not None:
        found["party_toddlers"] = toddlers
    if re.search(r"\bno (?:kids|children)\b|\bjust adults\b|\badults only\b", text):
        found["party_kids"] = 0


def _slot(text: str) -> str | None:
    """The time of day the customer asked for, as HH:MM ("6pm" -> 18:00, "5:30 pm" -> 17:30).

    The time as said, not snapped to a slot: which slots a station offers is its policy's, and
    the availability answer matches the asked time to the station's nearest slot
    (ai/engine/rules.py). A bare "at 7" or "19" means the evening; a time outside any service
    day ("3am") is no slot at all.
    """
    match = re.search(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)", text)
    if match:
        hour = int(match.group(1)) % 12 + (12 if match.group(3).startswith("p") else 0)
        return _time_of_day(hour, int(match.group(2) or 0))
    match = re.search(r"\b([01]?\d|2[0-3]):([0-5]\d)\b", text)
    if match:
        hour = int(match.group(1))
        return _time_of_day(hour + 12 if hour < 10 else hour, int(match.group(2)))
    match = re.search(
        r"\b(?:at|around|about|by|after)\s+(\d{1,2})\b(?!\s*(?:adults|kids|people|guests|/|:|ppl))", text
    )
    if match and 1 <= int(match.group(1)) <= 11:
        return _time_of_day(int(match.group(1)) + 12, 0)
    for words in sorted(SLOT_WORDS, key=len, reverse=True):
        if re.search(rf"\b{words}\b", text):
            return SLOT_WORDS[words]
    return None


def _time_of_day(hour: int, minute: int) -> str | None:
    """HH:MM of a time within an hour of the service day (ops.slots), else None."""
    if hour > 23 or minute > 59:
        return None
    asked = hour * 60 + minute
    earliest = EARLIEST_SLOT.hour * 60 + EARLIEST_SLOT.minute - 60
    latest = LATEST_SLOT.hour * 60 + LATEST_SLOT.minute + 60
    return f"{hour:02d}:{minute:02d}" if earliest <= asked <= latest else None


def _date(text: str, *, today: datetime.date, zone: str) -> tuple[datetime.date | None, bool]:
    """The first date the text names, never in the past; (None, True) for a date already past."""
    for pattern in DATE_PATTERNS:
        match = re.search(pattern, text)
        if not match:
            continue
        phrase = match.group(0)
        phrase = re.sub(r"^on\s+", "", phrase)
        value = _numeric_date(phrase, today=today)
        if value is None:
            phrase = re.sub(r"\b(?:this|coming)\s+", "", phrase)
            phrase = re.sub(r"^the\s+(\d{1,2})(?:st|nd|rd|th)$", r"\1", phrase)
            phrase = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", phrase)
            if re.fullmatch(r"\d{1,2}", phrase):
                value = _day_of_month(int(phrase), today=today)
            else:
                parsed = dateparser.parse(
                    phrase.replace("next weekend", "next saturday").replace("weekend", "saturday"),
                    languages=["en"],
                    settings={
                        "PREFER_DATES_FROM": "future",
                        "RELATIVE_BASE": datetime.datetime.combine(today, datetime.time(12)),
                        "TIMEZONE": zone,
                        "RETURN_AS_TIMEZONE_AWARE": False,
                        "DATE_ORDER": "MDY",
                    },
                )
                value = parsed.date() if parsed else None
        if value is None:
            continue
        if value < today:
            if not re.search(r"\d{4}", phrase):
                try:
                    value = value.replace(year=value.year + 1)
                except ValueError:
                    return None, True
            else:
                return None, True
        return value, False
    return None, False


def _day_of_month(day: int, *, today: datetime.date) -> datetime.date | None:
    year, month = today.year, today.month
    for _ in range(3):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            candidate = None
        if candidate and candidate >= today:
            return candidate
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return None


def _numeric_date(phrase: str, *, today: datetime.date) -> datetime.date | None:
    """'6/14', '14/6' (day first when the first number cannot be a month), '2027-06-14'."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", phrase)
    if match:
        try:
            return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", phrase)
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    month, day = (second, first) if first > 12 else (first, second)
    year = int(match.group(3)) if match.group(3) else today.year
    year = year + 2000 if year < 100 else year
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _name(original: str) -> str | None:
    for match in NAME.finditer(original):
        word = match.group(1)
        if word.lower() in NAME_STOPWORDS or word.lower() in NUMBER_WORDS:
            continue
        introduced_by = match.group(0).lower()
        if introduced_by.startswith(("i", "it", "this", "hi")) and not word[0].isupper():
            continue  # "i'm looking ...", "this is ridiculous" are not names; "I'm Dana" is
        return word[0].upper() + word[1:].lower()
    return None


def _items(text: str, *, guests: int | None) -> list[dict[str, Any]]:
    items = []
    for code, words in ITEM_SYNONYMS.items():
        match = re.search(
            rf"\b(?:({NUMBER})\s+(?:\w+\s+)?)?(?:{words})\b(\s+for\s+(?:everyone|everybody|all|each))?", text
        )
        if not match:
            continue
        quantity = number_value(match.group(1)) if match.group(1) else None
        if quantity is None and (
            match.group(2) or re.search(r"\b(?:everyone|everybody|each guest|all of us)\b", text)
        ):
            quantity = guests
        if quantity:
            items.append({"code": code, "quantity": quantity})
    return items


def extract(
    message: str, *, today: datetime.date, zone: str, known: dict[str, Any] | None = None
) -> Extracted:
    """The facts one message states; `known` (the conversation's) only fills in what it refers to."""
    original = message
    text = " ".join(message.lower().split())
    found: dict[str, Any] = {}
    email = EMAIL.search(original)
    if email:
        found["email"] = email.group(0).lower()
    scrubbed = EMAIL.sub(" ", text)
    # Only text with seven or more digits can hold a phone number: skip the matcher otherwise.
    if sum(ch.isdigit() for ch in original) >= 7:
        for match in phonenumbers.PhoneNumberMatcher(original, "US"):
            found.setdefault(
                "phone", phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            )
            scrubbed = scrubbed.replace(match.raw_string.lower(), " ")
    zip_match = ZIP.search(scrubbed)
    if zip_match:
        found["zip_code"] = zip_match.group(1)
        scrubbed = scrubbed.replace(zip_match.group(1), " ")
    _party(scrubbed, found)
    date, past = _date(scrubbed, today=today, zone=zone)
    if date:
        found["date"] = date.isoformat()
    slot = _slot(re.sub(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b", " ", scrubbed))
    if slot:
        found["slot"] = slot
    name = _name(original)
    if name:
        found["first_name"] = name
    guests = (found.get("party_adults") or (known or {}).get("party_adults") or 0) + (
        found.get("party_kids") or (known or {}).get("party_kids") or 0
    )
    items = _items(scrubbed, guests=guests or None)
    if items:
        found["items"] = items
    return Extracted(facts=found, date_in_past=past, mentioned_guests="party_adults" in found)


def merge(known: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The conversation's facts after a message: what it says now wins; items merge by code."""
    merged = {key: known.get(key) for key in FACT_KEYS}
    merged["items"] = list(known.get("items") or [])
    for key, value in new.items():
        if key == "items":
            by_code = {item["code"]: item for item in merged["items"]}
            for item in value:
                by_code[item["code"]] = item
            merged["items"] = list(by_code.values())
        else:
            merged[key] = value
    return merged


def guests_total(facts: dict[str, Any]) -> int:
    return sum(facts.get(key) or 0 for key in ("party_adults", "party_kids", "party_toddlers"))
