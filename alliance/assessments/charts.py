"""A server-side SVG line chart of subscale values over time (selectors.trend), for the person page.

Plain SVG with presentation attributes only: no script, no <style>, no external reference, so it
can be inlined under the strict CSP. Series differ by colour *and* dash pattern *and* marker shape,
so the chart still reads in grey print and for colour-blind readers; the <desc> repeats every value
in text for screen readers. Every piece of text is escaped here: the result may be mark_safe'd.
"""

import datetime
import math
import uuid
from html import escape

from django.utils.translation import gettext as _

# Okabe-Ito based, darkened where needed for 3:1 contrast against white (WCAG 1.4.11).
COLOURS = ("#0072B2", "#D55E00", "#007A5A", "#A8467F", "#000000", "#8C6D00", "#4B4BA6", "#5C5C5C")
DASHES = ("", "6 3", "2 3", "9 3 2 3", "1 3", "12 4")
MARKERS = ("circle", "square", "triangle", "diamond")
FONT = 'font-family="system-ui, sans-serif" font-size="12" fill="#212529"'
LEGEND_FONT = 'font-family="system-ui, sans-serif" font-size="13" fill="#212529"'
LEGEND_ROW, LEFT, RIGHT, TOP, AXIS = 18, 44, 8, 12, 24
INSET = 36  # room for half a date label at each end of the x axis


def _day(d: datetime.date) -> str:
    return d.strftime("%d.%m.%Y")


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _ticks(lo: float, hi: float) -> list[float]:
    """About five round steps (1, 2 or 5 times a power of ten) from lo to hi."""
    raw = (hi - lo) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    return [start + i * step for i in range(int(math.ceil((hi - start) / step - 1e-9)) + 1)]


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    attrs = f'fill="{colour}" stroke="#ffffff" stroke-width="1"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {attrs}/>'
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" {attrs}/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}l4.5 8.5h-9z" {attrs}/>'
    return f'<path d="M{x:.1f} {y - 5:.1f}l5 5l-5 5l-5 -5z" {attrs}/>'  # diamond


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    key = uuid.uuid4().hex[:8]  # ids must be unique when a page shows several charts
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t{key} d{key}">'
        f'<title id="t{key}">{escape(title)}</title><desc id="d{key}">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


# The SVG scales down with its box and its text with it: drawn 360 wide it shows at about 0.9
# of its size in a 390 px phone's card (text stays near 11-12 px) and at full size on a desktop.
def trend_svg(
    trend: dict, *, title: str, width: int = 360, height: int = 240, empty_text: str | None = None
) -> str:
    """The trend as an accessible SVG line chart; a small placeholder when there is nothing."""
    series = {
        label: sorted(points, key=lambda p: p[0]) for label, points in trend.get("series", {}).items()
    }
    values = [v for points in series.values() for _d, v in points if v is not None]
    if not values:
        text = empty_text if empty_text is not None else _("Nothing to draw yet.")
        return _svg(width, 40, title, text, [f'<text x="8" y="24" {FONT}>{escape(text)}</text>'])

    dates = sorted({d for points in series.values() for d, _v in points})
    # One legend row per series unless the chart is wide enough for two columns of labels.
    columns = 2 if width >= 560 and max(len(label) for label in series) <= 40 else 1
    legend_h = LEGEND_ROW * math.ceil(len(series) / columns) + 6
    height = max(height, TOP + 80 + AXIS + legend_h)  # a long legend grows the chart
    bottom = height - AXIS - legend_h
    lo, hi = min(0.0, min(values)), max(values)
    ticks = _ticks(lo, hi if hi > lo else lo + 1)
    lo, hi = ticks[0], ticks[-1]

    def x_of(d):
        span = width - LEFT - RIGHT - 2 * INSET
        return LEFT + INSET + (span * dates.index(d) / (len(dates) - 1) if len(dates) > 1 else span / 2)

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
        body.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{_number(t)}</text>')
    every = max(1, math.ceil(len(dates) * 80 / (width - LEFT - RIGHT)))  # ~80px per date label
    for i, d in enumerate(dates):
        if i % every == 0 or i == len(dates) - 1:
            body.append(
                f'<text x="{x_of(d):.1f}" y="{bottom + 17}" text-anchor="middle" {FONT}>{_day(d)}</text>'
            )

    described = []
    for n, (label, points) in enumerate(series.items()):
        colour, dash, marker = COLOURS[n % 8], DASHES[n % 6], MARKERS[n % 4]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segments: list[list] = [[]]
        for d, v in points:  # a missing value (None) breaks the line: no invented trend
            if v is None:
                segments.append([])
            else:
                segments[-1].append((x_of(d), y_of(v)))
        for segment in filter(None, segments):
            if len(segment) > 1:
                path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in segment)
                body.append(
                    f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
                )
            body += [_marker(marker, x, y, colour) for x, y in segment]
        # The legend: a line sample in the series' dash, its marker and its label.
        col, row = n % columns, n // columns
        lx = LEFT + col * (width - LEFT) / columns
        ly = height - legend_h + row * LEGEND_ROW + 12
        body.append(
            f'<line x1="{lx:.1f}" x2="{lx + 28:.1f}" y1="{ly:.1f}" y2="{ly:.1f}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        body.append(_marker(marker, lx + 14, ly, colour))
        body.append(f'<text x="{lx + 36:.1f}" y="{ly + 4:.1f}" {LEGEND_FONT}>{escape(label)}</text>')
        described.append(
            f"{label}: "
            + ", ".join(f"{_day(d)} {_number(v) if v is not None else _('no value')}" for d, v in points)
        )

    desc = (
        _("Advisory values, computed from the ratings; not a decision.")
        + " "
        + "; ".join(described)
        + "."
    )
    return _svg(width, height, title, desc, body)


# --- the domain profile ------------------------------------------------------------------------

CONCERN, PROTECTION = "#B34700", "#0072B2"  # 4.5:1 and 5:1 against white
BAR, BAR_GAP, BLOCK_GAP, NAME_H, VALUE_W = 12, 3, 10, 18, 44


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def _bar(x: float, y: float, width: float, kind: str, previous: bool) -> list[str]:
    """One bar: concern solid, protection striped; the previous assessment's bar hollow and
    dashed in the same colour and pattern, so neither colour nor fill alone carries meaning."""
    colour = CONCERN if kind == "concern" else PROTECTION
    width = max(width, 1.5)  # a zero share still shows where the bar starts
    if previous:
        parts = [
            f'<rect x="{x:.1f}" y="{y + 1:.1f}" width="{width:.1f}" height="{BAR - 2}" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="1.5" '
            'stroke-dasharray="4 2"/>'
        ]
    else:
        parts = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR}" fill="{colour}"/>']
    if kind == "protection":  # vertical stripes: the pattern of protection
        stripe = "#ffffff" if not previous else colour
        for sx in range(int(x) + 4, int(x + width) - 1, 5):
            parts.append(
                f'<line x1="{sx}" x2="{sx}" y1="{y + 2:.1f}" y2="{y + BAR - 2:.1f}" '
                f'stroke="{stripe}" stroke-width="1.5"/>'
            )
    return parts


# Drawn 400 wide for the same reason as trend_svg: its text must stay legible on a phone.
def profile_svg(
    rows: list[dict], *, title: str, labels: dict, width: int = 400, empty_text: str | None = None
) -> str:
    """The domain profile as horizontal bars per domain: concern and protection (shares of
    the scale, 0 to 1), this assessment and the previous one. `rows`: {label, concern,
    protection, previous_concern, previous_protection} per domain, None where nothing is
    known. `labels`: concern, protection, now, before, none, advisory."""
    kinds = ("concern", "protection")
    series = [
        (kind, previous)
        for kind in kinds
        for previous in (False, True)
        if any(row.get(("previous_" if previous else "") + kind) is not None for row in rows)
    ]
    if not series:
        text = empty_text if empty_text is not None else _("Nothing to draw yet.")
        return _svg(width, 40, title, text, [f'<text x="8" y="24" {FONT}>{escape(text)}</text>'])

    left, right = 8, width - 8 - VALUE_W
    span = right - left
    body, described, y = [], [], TOP + 14
    for tick in (0, 0.25, 0.5, 0.75, 1):
        body.append(
            f'<text x="{left + span * tick:.1f}" y="{TOP + 2}" font-size="11" '
            f'text-anchor="{"start" if tick == 0 else "end" if tick == 1 else "middle"}"'
            f' font-family="system-ui, sans-serif" fill="#495057">'
            f"{_percent(tick)}</text>"
        )
    top = y
    for row in rows:
        body.append(
            f'<text x="{left}" y="{y + 13}" {FONT} font-weight="600">{escape(row["label"])}</text>'
        )
        y += NAME_H
        shown = [
            (kind, previous)
            for kind, previous in series
            if row.get(("previous_" if previous else "") + kind) is not None
        ]
        words = []
        for kind, previous in shown:
            share = row[("previous_" if previous else "") + kind]
            body += _bar(left, y, span * share, kind, previous)
            body.append(
                f'<text x="{left + span * share + 4:.1f}" y="{y + BAR - 2}" '
                f'font-size="11" font-family="system-ui, sans-serif" fill="#212529">'
                f"{_percent(share)}</text>"
            )
            words.append(f"{labels[kind]}, {labels['before' if previous else 'now']} {_percent(share)}")
            y += BAR + BAR_GAP
        if not shown:
            body.append(
                f'<text x="{left}" y="{y + 10}" font-size="11" '
                f'font-family="system-ui, sans-serif" fill="#495057">'
                f"{escape(labels['none'])}</text>"
            )
            y += BAR + BAR_GAP
        described.append(f"{row['label']}: " + ("; ".join(words) or labels["none"]))
        y += BLOCK_GAP
    for tick in (0, 0.5, 1):  # gridlines behind the bars would need reordering; thin on top
        x = left + span * tick
        body.insert(
            0,
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{y - BLOCK_GAP:.1f}" '
            'stroke="#dee2e6"/>',
        )

    # The legend: a swatch of each series drawn as its bars are, with its words; in one column
    # unless the chart is wide enough for two ("Concern, previous assessment" is long).
    columns = 2 if width >= 560 else 1
    for n, (kind, previous) in enumerate(series):
        lx = left + (n % columns) * (width - left) / columns
        ly = y + (n // columns) * LEGEND_ROW
        body += _bar(lx, ly, 28, kind, previous)
        body.append(
            f'<text x="{lx + 36:.1f}" y="{ly + 10:.1f}" {LEGEND_FONT}>'
            f"{escape(labels[kind])}, {escape(labels['before' if previous else 'now'])}"
            "</text>"
        )
    height = int(y + LEGEND_ROW * math.ceil(len(series) / columns) + 4)
    desc = labels["advisory"] + " " + ". ".join(described) + "."
    return _svg(width, height, title, desc, body)
