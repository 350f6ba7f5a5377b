"""Normalising how people are reached: emails in one normal form (NFKC, case-folded), phones in E.164."""

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
    try:
        parsed = phonenumbers.parse(phone.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ServiceError("Enter a valid phone number.", field=field) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ServiceError("Enter a valid phone number.", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
