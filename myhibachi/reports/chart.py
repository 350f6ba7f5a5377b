"""A bar chart drawn as SVG on the server, like the dashboard's: numbers in, shapes out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
TOP = 20  # room for the values above the bars
BOTTOM = 28  # room for the labels under them
GAP = 4
# More bars than this and the labels would overlap: only every n-th is written.
MAX_LABELS = 16


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    show_label: bool

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self) -> float:
        return round(self.y - 4, 1)


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    label_y: float
    caption: str


def bar_chart(
    points: Sequence[tuple[str, int]], *, caption: str, value_text: Callable[[int], str] = str
) -> Chart:
    """Bars for (label, value) pairs; negative values are drawn as empty bars (their value is shown)."""
    plot = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot
    slot = WIDTH / max(len(points), 1)
    highest = max([value for _, value in points if value > 0], default=0)
    every = max(1, -(-len(points) // MAX_LABELS))
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot * max(value, 0) / highest if highest else 0
        bars.append(
            Bar(
                label=label,
                value_text=value_text(value),
                x=round(index * slot + GAP / 2, 1),
                y=round(baseline - height, 1),
                width=round(max(slot - GAP, 1), 1),
                height=round(height, 1),
                show_label=index % every == 0,
            )
        )
    return Chart(
        bars=tuple(bars), width=WIDTH, height=HEIGHT, baseline=baseline, label_y=HEIGHT - 8, caption=caption
    )
