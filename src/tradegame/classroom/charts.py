"""Line and bar charts as inline SVG, drawn from the game's own numbers (no JavaScript, no network).

A :class:`Chart` holds series of ``(day, value)`` points. :func:`render_svg` draws them on axes
with dates on x and a "nice" scale on y, a legend, and optional vertical markers (the
deadline). Every series also carries its raw data in attributes, so a test or a curious reader
can check a drawing against the numbers it claims to show::

    <polyline data-series="JP" data-days="7 14 ..." data-values="0.1647 0.1655 ..."
              points="64.00,212.31 ...">

``data-values`` are the values as given (e.g. a tariff as a fraction); the y axis shows them
times ``scale`` (×100 for a percentage). The svg element carries the plot box
(``data-px0 data-px1 data-py0 data-py1``) and the axis ranges (``data-x0 data-x1 data-y0
data-y1``) that map the one onto the other.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#8C564B",
    "#7F7F7F",
    "#B8A200",
)
DASHES = ("", "7 3", "2 3", "9 3 2 3", "4 4", "12 4", "1 2", "6 2 2 2 2 2")

WIDTH = 760
PLOT_HEIGHT = 250
LEFT, RIGHT, TOP = 66, 34, 22
AXIS_BAND = 34  # x tick labels and axis title below the plot


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[int, float], ...]  # (day, value) in data units


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    unit: str  # shown on the y axis, after scaling (e.g. "%", "points", "$bn/yr")
    series: tuple[Series, ...]
    window_start: str  # ISO date of day 0: x labels are dates
    scale: float = 1.0  # displayed value = data value × scale
    decimals: int = 1
    markers: tuple[tuple[int, str], ...] = ()  # (day, label): vertical dashed lines
    y_range: tuple[float, float] | None = None  # a fixed y range (display units), if any
    caption: str = ""

    def date(self, day: int) -> str:
        return (dt.date.fromisoformat(self.window_start) + dt.timedelta(days=day)).isoformat()

    def shown(self, value: float) -> str:
        return f"{value * self.scale:,.{self.decimals}f}"


def nice_ticks(lo: float, hi: float, count: int = 5) -> tuple[float, float, float]:
    """A round (lo, hi, step) that covers [lo, hi] with about ``count`` intervals."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo < 1e-12:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw - 1e-15)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step


def _fmt_tick(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    if step < 1 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text


def _short_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.strftime('%b')} {d.day}"


def _x_ticks(days: Sequence[int], limit: int = 8) -> list[int]:
    days = sorted(set(days))
    if len(days) <= limit:
        return days
    every = math.ceil((len(days) - 1) / (limit - 1))
    ticks = days[::every]
    if ticks[-1] != days[-1]:
        if days[-1] - ticks[-1] < (days[-1] - days[0]) / (limit * 1.5):
            ticks[-1] = days[-1]
        else:
            ticks.append(days[-1])
    return ticks


def _legend_layout(names: Sequence[str]) -> list[tuple[int, int]]:
    """(x, row) of each legend entry, wrapping at the chart width."""
    out = []
    x, row = LEFT, 0
    for name in names:
        width = 34 + 7 * len(name) + 18
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        out.append((x, row))
        x += width
    return out


def render_svg(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` element (no xmlns needed inside HTML)."""
    series = [s for s in chart.series if s.points]
    all_days = [d for s in series for d, _ in s.points] or [0, 1]
    values = [v * chart.scale for s in series for _, v in s.points]
    x0, x1 = min(all_days), max(all_days)
    for day, _ in chart.markers:
        if x0 <= day <= x1 + 7:
            x1 = max(x1, day)
    if x1 == x0:
        x1 = x0 + 1
    if chart.y_range is not None:
        y0, y1 = chart.y_range
        step = (y1 - y0) / 5
        if values:
            lo, hi = min(values), max(values)
            if lo < y0 or hi > y1:
                y0, y1, step = nice_ticks(min(lo, y0), max(hi, y1))
    else:
        y0, y1, step = nice_ticks(min(values or [0.0]), max(values or [1.0]))
    px0, px1 = LEFT, WIDTH - RIGHT
    py0, py1 = TOP + PLOT_HEIGHT, TOP  # y grows downwards
    legend = _legend_layout([s.name for s in series])
    rows = (max((r for _, r in legend), default=0) + 1) if legend else 0
    height = TOP + PLOT_HEIGHT + AXIS_BAND + rows * 20 + 8

    def sx(day: float) -> float:
        return px0 + (day - x0) / (x1 - x0) * (px1 - px0)

    def sy(value: float) -> float:
        return py0 - (value - y0) / (y1 - y0) * (py0 - py1)

    e = html.escape
    title = f"{chart.title} ({chart.unit})"
    out = [
        (
            f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
            f'role="img" aria-label="{e(title)}" data-chart="{e(chart.id)}" '
            f'data-x0="{x0}" data-x1="{x1}" data-y0="{y0!r}" data-y1="{y1!r}" '
            f'data-px0="{px0}" data-px1="{px1}" data-py0="{py0}" data-py1="{py1}" '
            f'data-scale="{chart.scale!r}" font-size="12" '
            f'style="background:#fff;font-family:inherit">'
        ),
        f"<title>{e(title)}</title>",
    ]
    # grid and y axis
    n = 0
    tick = y0
    while tick <= y1 + step * 1e-6 and n < 50:
        y = sy(tick)
        zero = abs(tick) < step * 1e-6 and y0 < 0 < y1
        out.append(
            f'<line x1="{px0}" y1="{y:.2f}" x2="{px1}" y2="{y:.2f}" '
            f'stroke="{"#777" if zero else "#e2e2e2"}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{px0 - 6}" y="{y + 4:.2f}" text-anchor="end" fill="#333">'
            f"{e(_fmt_tick(tick, step))}</text>"
        )
        tick = y0 + step * (n := n + 1)
    out.append(
        f'<text x="14" y="{(py0 + py1) / 2:.1f}" text-anchor="middle" fill="#333" '
        f'transform="rotate(-90 14 {(py0 + py1) / 2:.1f})">{e(chart.unit)}</text>'
    )
    # x axis with dates
    out.append(f'<line x1="{px0}" y1="{py0}" x2="{px1}" y2="{py0}" stroke="#333"/>')
    out.append(f'<line x1="{px0}" y1="{py0}" x2="{px0}" y2="{py1}" stroke="#333"/>')
    for day in _x_ticks(all_days):
        x = sx(day)
        out.append(f'<line x1="{x:.2f}" y1="{py0}" x2="{x:.2f}" y2="{py0 + 5}" stroke="#333"/>')
        out.append(
            f'<text x="{x:.2f}" y="{py0 + 18}" text-anchor="middle" fill="#333">'
            f"<title>{chart.date(day)}</title>{e(_short_date(chart.date(day)))}</text>"
        )
    year = chart.date(x0)[:4]
    out.append(
        f'<text x="{px1}" y="{py0 + 32}" text-anchor="end" fill="#555" '
        f'font-size="11">date ({year})</text>'
    )
    for day, label in chart.markers:
        if x0 <= day <= x1:
            x = sx(day)
            out.append(
                f'<line x1="{x:.2f}" y1="{py0}" x2="{x:.2f}" y2="{py1}" stroke="#999" '
                f'stroke-dasharray="4 3"/>'
            )
            out.append(
                f'<text x="{x - 3:.2f}" y="{py1 + 10}" text-anchor="end" fill="#666" '
                f'font-size="11">{e(label)}</text>'
            )
    # series
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        dash = DASHES[k % len(DASHES)]
        pts = " ".join(f"{sx(d):.2f},{sy(v * chart.scale):.2f}" for d, v in s.points)
        days = " ".join(str(d) for d, _ in s.points)
        vals = " ".join(repr(float(v)) for _, v in s.points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="series" data-series="{e(s.name)}">')
        out.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2.2"{dash_attr} '
            f'data-series="{e(s.name)}" data-days="{days}" data-values="{vals}" '
            f'points="{pts}"/>'
        )
        for d, v in s.points:
            out.append(
                f'<circle cx="{sx(d):.2f}" cy="{sy(v * chart.scale):.2f}" r="2.6" '
                f'fill="{color}"><title>{e(s.name)}, {chart.date(d)}: '
                f"{e(chart.shown(v))} {e(chart.unit)}</title></circle>"
            )
        out.append("</g>")
    # legend
    base = TOP + PLOT_HEIGHT + AXIS_BAND + 6
    for k, (s, (lx, row)) in enumerate(zip(series, legend, strict=True)):
        color = PALETTE[k % len(PALETTE)]
        dash = DASHES[k % len(DASHES)]
        ly = base + row * 20
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<g class="legend"><line x1="{lx}" y1="{ly}" x2="{lx + 26}" y2="{ly}" '
            f'stroke="{color}" stroke-width="2.6"{dash_attr}/>'
            f'<text x="{lx + 32}" y="{ly + 4}" fill="#222">{e(s.name)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)


def chart_table(chart: Chart) -> tuple[list[str], list[list[str]], list[bool]]:
    """The chart's values as a table: one row per date, one column per series."""
    days = sorted({d for s in chart.series for d, _ in s.points})
    headers = ["Date", *[s.name for s in chart.series]]
    rows = []
    for day in days:
        row = [chart.date(day)]
        for s in chart.series:
            value = next((v for d, v in s.points if d == day), None)
            row.append("" if value is None else chart.shown(value))
        rows.append(row)
    return headers, rows, [False] + [True] * len(chart.series)


# --------------------------------------------------------------------------- bar charts


@dataclass(frozen=True)
class BarChart:
    """Grouped bars: one group per ``groups`` entry (a team), one bar per ``bars`` entry (a
    role) in it; ``values[g][b]`` is the value, or None for no bar (a game not scored). The y
    axis is scaled to the data and always includes 0, so a bar's length is its value."""

    id: str
    title: str
    unit: str
    groups: tuple[str, ...]
    bars: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    decimals: int = 1
    caption: str = ""

    def shown(self, value: float) -> str:
        return f"{value:,.{self.decimals}f}"


def bar_range(chart: BarChart) -> tuple[float, float, float]:
    """(y0, y1, step) of a bar chart: nice ticks around the data and 0."""
    values = [v for row in chart.values for v in row if v is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if hi - lo < 1e-9:
        hi = lo + 1.0
    return nice_ticks(lo, hi)


def render_bars_svg(chart: BarChart) -> str:
    """The bar chart as an inline ``<svg>``; every bar carries ``data-group``, ``data-bar``
    and ``data-value`` (the number it shows)."""
    y0, y1, step = bar_range(chart)
    px0, px1 = LEFT, WIDTH - RIGHT
    py0, py1 = TOP + PLOT_HEIGHT, TOP
    legend = _legend_layout(list(chart.bars))
    rows = (max((r for _, r in legend), default=0) + 1) if legend else 0
    height = TOP + PLOT_HEIGHT + AXIS_BAND + rows * 20 + 8

    def sy(value: float) -> float:
        return py0 - (value - y0) / (y1 - y0) * (py0 - py1)

    e = html.escape
    title = f"{chart.title} ({chart.unit})"
    out = [
        (
            f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
            f'role="img" aria-label="{e(title)}" data-chart="{e(chart.id)}" '
            f'data-y0="{y0!r}" data-y1="{y1!r}" data-py0="{py0}" data-py1="{py1}" '
            f'font-size="12" style="background:#fff;font-family:inherit">'
        ),
        f"<title>{e(title)}</title>",
    ]
    n, tick = 0, y0
    while tick <= y1 + step * 1e-6 and n < 50:
        y = sy(tick)
        zero = abs(tick) < step * 1e-6
        out.append(
            f'<line x1="{px0}" y1="{y:.2f}" x2="{px1}" y2="{y:.2f}" '
            f'stroke="{"#555" if zero else "#e2e2e2"}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{px0 - 6}" y="{y + 4:.2f}" text-anchor="end" fill="#333">'
            f"{e(_fmt_tick(tick, step))}</text>"
        )
        tick = y0 + step * (n := n + 1)
    out.append(
        f'<text x="14" y="{(py0 + py1) / 2:.1f}" text-anchor="middle" fill="#333" '
        f'transform="rotate(-90 14 {(py0 + py1) / 2:.1f})">{e(chart.unit)}</text>'
    )
    out.append(f'<line x1="{px0}" y1="{py0}" x2="{px0}" y2="{py1}" stroke="#333"/>')
    groups = max(1, len(chart.groups))
    slot = (px1 - px0) / groups
    bar_w = min(36.0, slot * 0.8 / max(1, len(chart.bars)))
    base = sy(0.0)
    for g, (group, row) in enumerate(zip(chart.groups, chart.values, strict=True)):
        left = px0 + g * slot + (slot - bar_w * len(chart.bars)) / 2
        for b, (bar, value) in enumerate(zip(chart.bars, row, strict=True)):
            if value is None:
                continue
            x = left + b * bar_w
            top, bottom = sorted((sy(value), base))
            out.append(
                f'<rect x="{x:.2f}" y="{top:.2f}" width="{bar_w - 2:.2f}" '
                f'height="{max(bottom - top, 0.5):.2f}" fill="{PALETTE[b % len(PALETTE)]}" '
                f'data-group="{e(group)}" data-bar="{e(bar)}" data-value="{value!r}">'
                f"<title>{e(group)}, {e(bar)}: {e(chart.shown(value))} {e(chart.unit)}"
                f"</title></rect>"
            )
        room = max(4, int(slot / 7))  # characters that fit under a group
        label = group if len(group) <= room else group[: room - 1] + "…"
        out.append(
            f'<text x="{px0 + (g + 0.5) * slot:.2f}" y="{py0 + 18}" text-anchor="middle" '
            f'fill="#333"><title>{e(group)}</title>{e(label)}</text>'
        )
    lbase = TOP + PLOT_HEIGHT + AXIS_BAND + 6
    for b, (bar, (lx, row_no)) in enumerate(zip(chart.bars, legend, strict=True)):
        ly = lbase + row_no * 20
        out.append(
            f'<g class="legend"><rect x="{lx}" y="{ly - 6}" width="26" height="12" '
            f'fill="{PALETTE[b % len(PALETTE)]}"/>'
            f'<text x="{lx + 32}" y="{ly + 4}" fill="#222">{e(bar)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)


def bar_table(chart: BarChart) -> tuple[list[str], list[list[str]], list[bool]]:
    """The bar chart's values as a table: one row per group, one column per bar."""
    rows = [
        [group, *("" if v is None else chart.shown(v) for v in row)]
        for group, row in zip(chart.groups, chart.values, strict=True)
    ]
    return ["Team", *chart.bars], rows, [False] + [True] * len(chart.bars)


__all__ = [
    "BarChart",
    "Chart",
    "Series",
    "bar_range",
    "bar_table",
    "chart_table",
    "nice_ticks",
    "render_bars_svg",
    "render_svg",
]
