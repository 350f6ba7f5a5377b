"""{{ cents|cents }}: an amount in cents as dollars ("$1,234.50"), the one way pages show money."""

from django import template

from kernel.money import format_cents

register = template.Library()


@register.filter
def cents(value: int | None) -> str:
    return format_cents(value)
