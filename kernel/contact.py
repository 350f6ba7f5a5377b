"""Normalising how people are reached: emails in one normal form (NFKC, case-folded), phones in E.164."""

import functools
import unicodedata

import phonenumbers

from kernel.errors import ServiceError


def normalize_email(email: str) -> str:
    """The one form of an email address, used wherever one is compared or stored.

    Unicode NFKC (compatibility characters such as fullwidth letters or ligatures become
    what they look like), then case-folded (the Unicode rule for caseless comparison; it folds
    more than lower(): "ß" becomes "ss"), with surrounding blanks removed. The login, the
    lockout's key, the customer lookup and uniqueness all use this and nothing else, and
    compare by equality: never PostgreSQL's UPPER()/LOWER() (`__iexact`), which folds
    characters differently (UPPER of the dotless i, U+0131, is 'I': "lockout.\u0131s" would
    match "lockout.is").
    """
    return unicodedata.normalize("NFKC", email).casefold().strip()


def normalize_phone(phone: str, *, field: str = "phone", region: str = "US") -> str:
    """'(510) 555-1234' -> '+15105551234'; a clear error for anything that is not a phone number."""
    e164 = _e164(phone.strip(), region)
    if e164 is None:
        raise ServiceError("Enter a valid phone number.", field=field)
    return e164


@functools.lru_cache(maxsize=1024)
def _e164(phone: str, region: str) -> str | None:
    # Parsed once per process and number: one request normalises the same phone in several
    # services (the booking's contact, its customer, the lead it converts).
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
