"""Horizontal bar charts drawn as SVG on the server: geometry only, the words come from the view.

A chart is readable without JavaScript and without its colours: each row has its label and
its value written out above its bar, the SVG carries a `<title>` and a `<desc>` naming every
value (the template links them with aria-labelledby), and the page's table holds the same
figures. Colours and fonts are classes of style.css (the CSP allows no inline style).

Each row is a line of text (the label) with its bar beneath and the value right of the bar:
on a phone the chart scales down as a whole and its text stays readable, which a column of
labels beside the bars would not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 400  # the viewBox's width; the SVG itself is as wide as its column
BAR_AREA = 300  # the longest bar; the value is written right of the bars
VALUE_X = 308
ROW = 46  # height of one row: its text line and its bar
BAR_Y = 22  # the bar's top within its row
BAR_HEIGHT = 14
LABEL_MAX = 36  # characters of a label shown in full; longer ones end with "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float  # 0 when there is no value (the value text says why)
    inner_width: float | None = None  # a second, shorter measure drawn inside the bar
    tick: float | None = None  # a mark across the bar (a deadline)

    @property
    def text_y(self) -> int:
        return self.y + 16

    @property
    def value_y(self) -> int:
        return self.y + BAR_Y + BAR_HEIGHT - 2

    @property
    def bar_y(self) -> int:
        return self.y + BAR_Y

    @property
    def inner_y(self) -> int:
        return self.y + BAR_Y + 4


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    bar_area: int = BAR_AREA
    value_x: int = VALUE_X
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW

    @property
    def inner_height(self) -> int:
        return self.bar_height - 8


def shortened(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def bars(
    rows: Sequence[tuple[str, str, float | None, float | None, float | None]], *, scale_max: float
) -> tuple[Bar, ...]:
    """Rows of (label, value text, value, inner value, tick) as bars on a scale from 0 to
    `scale_max`, each row below the last. A scale below 1 is taken as 1, so a chart of
    rates (0 to 1) and one where every value is 0 both have a scale."""
    scale = BAR_AREA / max(scale_max, 1)
    return tuple(
        Bar(
            label=shortened(label),
            value_text=text,
            y=index * ROW,
            width=round((value or 0) * scale, 1),
            inner_width=None if inner is None else round(inner * scale, 1),
            tick=None if tick is None else round(min(tick * scale, BAR_AREA), 1),
        )
        for index, (label, text, value, inner, tick) in enumerate(rows)
    )


# A sparkline: a small line of a count over time, beside the dated counts it draws (the page
# lists them, so the drawing itself is hidden from screen readers).
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 160, 40, 4


@dataclass(frozen=True)
class Sparkline:
    points: str  # the polyline's "x,y x,y…"
    dots: tuple[tuple[float, float], ...]
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(series: Sequence[tuple[date, int]]) -> Sparkline | None:
    """Counts by day (oldest first) as a line: days along, counts up, from the lowest count
    at the bottom to the highest at the top (all equal: across the middle). None for fewer
    than two counts."""
    if len(series) < 2:
        return None
    first = series[0][0]
    span = max((series[-1][0] - first).days, 1)
    low = min(count for _, count in series)
    high = max(count for _, count in series)
    inner_width, inner_height = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD

    def y(count: int) -> float:
        share = 0.5 if high == low else (count - low) / (high - low)
        return round(SPARK_PAD + inner_height * (1 - share), 1)

    dots = tuple(
        (round(SPARK_PAD + inner_width * (day - first).days / span, 1), y(count))
        for day, count in series
    )
    return Sparkline(points=" ".join(f"{x},{y_}" for x, y_ in dots), dots=dots)
