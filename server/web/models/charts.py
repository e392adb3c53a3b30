"""Server-rendered SVG bar charts: readable with no JavaScript and no chart library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Bar", "bar_chart"]

ROW = 22  # px per bar
MAX_LABEL_WIDTH = 320
BAR_WIDTH = 300
COUNT_WIDTH = 40


@dataclass(frozen=True)
class Bar:
    label: str
    title: str  # both languages, shown on hover
    count: int
    href: str


def _text_width(text: str) -> int:
    """Rough width in px at 12px: wide (CJK) characters take about twice a Latin one."""
    return sum(12 if ord(ch) > 0x2E80 else 7 for ch in text)


def bar_chart(bars: Sequence[Bar], caption: str) -> Markup:
    """A horizontal bar chart; each bar links to the resource it counts."""
    top = max((bar.count for bar in bars), default=0) or 1
    label_width = min(
        MAX_LABEL_WIDTH, max((_text_width(bar.label) for bar in bars), default=0) + 10
    )
    width = label_width + BAR_WIDTH + COUNT_WIDTH
    height = ROW * len(bars) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(caption)}">'
    ]
    for index, bar in enumerate(bars):
        y = index * ROW + 2
        length = max(1, round(BAR_WIDTH * bar.count / top))
        parts.append(
            f'<a href="{escape(bar.href)}"><title>{escape(bar.title)}: {bar.count}</title>'
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{length}" height="{ROW - 6}"/>'
            f'<text x="{label_width + length + 4}" y="{y + 15}">{bar.count}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated value is escaped above
