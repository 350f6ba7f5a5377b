"""Notifications whose words come from a layer above core (a campaign's content, from crm).

core delivers them (claim once, deliver at most once, retries, the pending sweep), but it
cannot import crm to render them. So crm registers, for each such kind, an explicit typed
hook: a `compose` that turns the claimed notification into the message (or the reason it must
not go out any more), and a `delivered` that records the outcome in crm's own rows. Both run
inside the delivery's transaction, with the notification row locked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from core.models import Notification


@dataclass(frozen=True)
class ComposedMessage:
    """What to send, or why not: exactly one of `skip_reason` and (`to` with a body) is set."""

    to: tuple[str, ...] = ()
    subject: str = ""
    text: str = ""
    html: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    skip_reason: str = ""


@dataclass(frozen=True)
class DeliveryOutcome:
    """How a delivery ended: the notification's status, the provider's id, the error."""

    status: str
    provider_id: str = ""
    error: str = ""


ComposeHook = Callable[[Notification], ComposedMessage]
DeliveredHook = Callable[[Notification, DeliveryOutcome], None]


@dataclass(frozen=True)
class ContentProvider:
    compose: ComposeHook
    delivered: DeliveredHook


_providers: dict[str, ContentProvider] = {}


def content_provider_register(*, kind: str, compose: ComposeHook, delivered: DeliveredHook) -> None:
    """Register the upper layer's hooks for one kind (from its AppConfig.ready); idempotent."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    _providers[kind] = ContentProvider(compose=compose, delivered=delivered)


def content_provider_for(kind: str) -> ContentProvider | None:
    return _providers.get(kind)
