"""Typed in-process hooks: how a lower layer lets a higher one react, without importing it.

A lower layer declares a hook with the event it sends (a frozen dataclass) and documents, where
it declares it, when the hook runs and what a receiver may do. A higher layer registers a
receiver in its AppConfig.ready(). `send` calls every receiver in registration order, in the
sender's thread and transaction: a receiver's exception propagates to the sender, exactly as if
the sender had called it. Not Django's model signals: a hook is sent by a service, explicitly,
at the one point of the business write it belongs to, never by a save().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Event = TypeVar("Event")


class Hook(Generic[Event]):
    """One named point where a service tells the layers above it that something happened."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[[Event], object]] = []

    def register(self, receiver: Callable[[Event], object]) -> Callable[[Event], object]:
        """Add a receiver (usable as a decorator); registering the same one twice keeps one."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def unregister(self, receiver: Callable[[Event], object]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> tuple[Callable[[Event], object], ...]:
        return tuple(self._receivers)

    def send(self, event: Event) -> None:
        for receiver in tuple(self._receivers):
            receiver(event)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"
