"""Normalising how people are reached: emails lower-cased, phones in E.164."""

import phonenumbers

from kernel.errors import ServiceError


def normalize_email(email: str) -> str:
    return email.strip().lower()


def normalize_phone(phone: str, *, field: str = "phone", region: str = "US") -> str:
    """'(510) 555-1234' -> '+15105551234'; a clear error for anything that is not a phone number."""
    try:
        parsed = phonenumbers.parse(phone.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise ServiceError("Enter a valid phone number.", field=field) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ServiceError("Enter a valid phone number.", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
