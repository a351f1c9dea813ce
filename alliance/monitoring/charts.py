"""A server-side SVG line chart of monthly figures (a line per agency, jurisdiction or region).

It draws as assessments/charts.py's trend_svg does (its palette, dash patterns, markers, axis
ticks and accessible <svg> frame are reused, so every chart of the product reads alike), but
speaks of months and monitoring figures: months are labelled MM.YYYY, a share's axis runs from
0 to 100 %, and a month without a figure is a gap whose reason ("suppressed", "not computed
yet") the text description names. Every text is escaped here: the result may be mark_safe'd.
"""

import datetime
import math
from html import escape

from django.utils.translation import gettext as _

from alliance.assessments.charts import COLOURS, DASHES, FONT, LEGEND_FONT, MARKERS
from alliance.assessments.charts import _marker as marker
from alliance.assessments.charts import _svg as svg_frame
from alliance.assessments.charts import _ticks as ticks_between

LEGEND_ROW, LEFT, RIGHT, TOP, AXIS, INSET = 18, 44, 8, 12, 24, 24

Point = tuple[datetime.date, float | None, str]  # month, value (None: a gap), why a gap


def _month(d: datetime.date) -> str:
    return d.strftime("%m.%Y")


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


# Drawn 420 wide: a 640-wide drawing shrank to half on a 390 px phone (its text to 6 px); at 420
# the text stays near 10 px there, and a desktop card shows it at its own size.
def monthly_svg(
    series: dict[str, list[Point]],
    *,
    title: str,
    percent: bool = False,
    width: int = 420,
    height: int = 240,
    empty_text: str = "",
) -> str:
    """`series`: label -> [(month, value or None, the reason of a gap)]."""
    values = [v for points in series.values() for _m, v, _n in points if v is not None]
    if not values:
        text = empty_text or _("Nothing to draw yet.")
        return svg_frame(width, 40, title, text, [f'<text x="8" y="24" {FONT}>{escape(text)}</text>'])

    months = sorted({m for points in series.values() for m, _v, _n in points})
    columns = 2 if width >= 560 and max(len(label) for label in series) <= 40 else 1
    legend_h = LEGEND_ROW * math.ceil(len(series) / columns) + 6
    height = max(height, TOP + 80 + AXIS + legend_h)
    bottom = height - AXIS - legend_h
    lo, hi = (0.0, 100.0) if percent else (min(0.0, min(values)), max(values))
    ticks = ticks_between(lo, hi if hi > lo else lo + 1)
    lo, hi = ticks[0], ticks[-1]

    def x_of(m):
        span = width - LEFT - RIGHT - 2 * INSET
        return (
            LEFT + INSET + (span * months.index(m) / (len(months) - 1) if len(months) > 1 else span / 2)
        )

    def y_of(v):
        return bottom - (v - lo) / (hi - lo) * (bottom - TOP)

    body = [
        f'<rect x="{LEFT}" y="{TOP}" width="{width - LEFT - RIGHT}" height="{bottom - TOP}" '
        'fill="#ffffff" stroke="#adb5bd"/>'
    ]
    for t in ticks:
        y = y_of(t)
        body.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
        )
        label = f"{_number(t)}%" if percent else _number(t)
        body.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{label}</text>')
    every = max(1, math.ceil(len(months) * 64 / (width - LEFT - RIGHT)))  # ~64px per label
    for i, m in enumerate(months):
        if (len(months) - 1 - i) % every == 0:  # counted from the last month, always labelled
            body.append(
                f'<text x="{x_of(m):.1f}" y="{bottom + 17}" text-anchor="middle" {FONT}>'
                f"{_month(m)}</text>"
            )

    described = []
    for n, (label, points) in enumerate(series.items()):
        colour, dash, shape = COLOURS[n % 8], DASHES[n % 6], MARKERS[n % 4]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segments: list[list] = [[]]
        for m, v, _note in sorted(points, key=lambda p: p[0]):
            if v is None:  # a gap: never an invented value
                segments.append([])
            else:
                segments[-1].append((x_of(m), y_of(v)))
        for segment in filter(None, segments):
            if len(segment) > 1:
                path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in segment)
                body.append(
                    f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
                )
            body += [marker(shape, x, y, colour) for x, y in segment]
        col, row = n % columns, n // columns
        lx = LEFT + col * (width - LEFT) / columns
        ly = height - legend_h + row * LEGEND_ROW + 12
        body.append(
            f'<line x1="{lx:.1f}" x2="{lx + 28:.1f}" y1="{ly:.1f}" y2="{ly:.1f}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        body.append(marker(shape, lx + 14, ly, colour))
        body.append(f'<text x="{lx + 36:.1f}" y="{ly + 4:.1f}" {LEGEND_FONT}>{escape(label)}</text>')
        described.append(
            f"{label}: "
            + ", ".join(
                f"{_month(m)} {(_number(v) + ('%' if percent else '')) if v is not None else note}"
                for m, v, note in points
            )
        )
    return svg_frame(width, height, title, "; ".join(described) + ".", body)
