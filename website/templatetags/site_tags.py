"""What the customer templates share: money, times, and a form field with its label and error."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import template
from django.forms import BoundField

from kernel.money import format_cents

register = template.Library()


@register.filter
def cents(value: int | None) -> str:
    """12345 -> "$123.45"."""
    return format_cents(value)


@register.filter
def slot_time(value: datetime.time) -> str:
    """18:00 -> "6:00 PM" (the station's local time)."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'PM' if value.hour >= 12 else 'AM'}"


@register.filter
def slot_time_short(value: datetime.time) -> str:
    """18:00 -> "6 PM", 18:30 -> "6:30 PM": the calendar's buttons fit four to a phone's row."""
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes} {'PM' if value.hour >= 12 else 'AM'}"


@register.inclusion_tag("site/_field.html")
def field(bound: BoundField, hint: str = "") -> dict:
    """A labelled input whose error (and hint) the input names in aria-describedby."""
    described = []
    if hint:
        described.append(f"{bound.auto_id}-hint")
    if bound.errors:
        described.append(f"{bound.auto_id}-error")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if bound.errors:
        attrs["aria-invalid"] = "true"
    return {"field": bound, "widget": bound.as_widget(attrs=attrs), "hint": hint}


@register.simple_tag
def month_url(query, month: datetime.date) -> str:
    """This page's address showing another month of the calendar (the other parameters kept)."""
    params = {key: value for key, value in dict(query.items()).items() if key not in ("month", "when")}
    params["month"] = month.strftime("%Y-%m")
    return "?" + urlencode(params)
