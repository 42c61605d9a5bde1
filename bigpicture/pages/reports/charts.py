"""Charts for the reports, drawn on the server as SVG: bars, stacked bars, a heat map and
small multiples. No JavaScript; each has a title and a description for screen readers
(``role="img"``), and its numbers are in the table printed beside it.

Colours are the Okabe-Ito palette, told apart by readers with every common kind of colour
blindness; the heat map uses one hue from light to dark, with the value written in each cell.
Everything a person typed (names of advisories, sites) is escaped here.
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Dark enough for white text on it; the rest carry black text.
DARK = {"#0072B2", "#009E73", "#D55E00", "#000000", "#CC79A7"}
HEAT = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594")
WIDTH, LABEL, ROW, BAR = 640, 170, 26, 18
# A chart draws at most this many rows (a school of 5,000 has over 300 advisories); its
# description says so, and the table beside it has every row.
MAX_ROWS = 40


@dataclass
class Bar:
    label: str
    value: float
    text: str = ""  # the value as shown (defaults to the number)


@dataclass
class Stack:
    label: str
    counts: list[float]


@dataclass
class Panel:
    label: str
    points: list[tuple[str, float | None]] = field(default_factory=list)


def _t(value) -> str:
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _cut(text: str, length: int = 24) -> str:
    text = str(text)
    return text if len(text) <= length else f"{text[: length - 1]}…"


def _first(rows: list, desc: str) -> tuple[list, str]:
    """The rows a chart draws, and its description saying when some are left to the table."""
    if len(rows) <= MAX_ROWS:
        return rows, desc
    more = _("The chart shows the first %(shown)s of %(total)s rows; the table has them all.")
    return rows[:MAX_ROWS], f"{desc} {more % {'shown': MAX_ROWS, 'total': len(rows)}}"


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    head = (
        f'<svg class="report-chart" role="img" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{_t(title)}</title>'
        f'<desc id="{chart_id}-desc">{_t(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text escaped by _t


def _text_fill(fill: str) -> str:
    return "#ffffff" if fill in DARK else "#000000"


def bar_chart(*, chart_id: str, title: str, desc: str, bars: list[Bar], maximum=None):
    """One horizontal bar per row, its value written after it."""
    bars, desc = _first(bars, desc)
    top = max([maximum or 0, *(bar.value for bar in bars)]) or 1
    span = WIDTH - LABEL - 60
    body = []
    for index, bar in enumerate(bars):
        y = 6 + index * ROW
        width = span * max(bar.value, 0) / top
        body.append(
            f'<text x="{LABEL - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{_t(_cut(bar.label))}</text>"
            f'<rect x="{LABEL}" y="{y}" width="{_n(width)}" height="{BAR}" fill="{PALETTE[0]}"/>'
            f'<text x="{_n(LABEL + width + 4)}" y="{y + 13}" font-size="12">'
            f"{_t(bar.text or _n(bar.value))}</text>"
        )
    return _svg(chart_id, title, desc, 12 + len(bars) * ROW, body)


def stacked_chart(*, chart_id: str, title: str, desc: str, keys: list[str], stacks: list[Stack]):
    """One bar per row split into its parts (each row's parts add up to the whole bar),
    with a legend of the parts on top."""
    stacks, desc = _first(stacks, desc)
    body, x = [], 0.0
    for index, key in enumerate(keys):
        fill = PALETTE[index % len(PALETTE)]
        label = _cut(key, 22)
        body.append(
            f'<rect x="{_n(x)}" y="4" width="12" height="12" fill="{fill}" stroke="#333"/>'
            f'<text x="{_n(x + 16)}" y="14" font-size="12">{_t(label)}</text>'
        )
        x += 24 + 7 * len(label)
    legend_rows = 1 + int(x // WIDTH)
    if legend_rows > 1:  # a long legend: one key per line instead
        body = []
        for index, key in enumerate(keys):
            fill = PALETTE[index % len(PALETTE)]
            y = 4 + index * 18
            body.append(
                f'<rect x="0" y="{y}" width="12" height="12" fill="{fill}" stroke="#333"/>'
                f'<text x="16" y="{y + 10}" font-size="12">{_t(_cut(key, 60))}</text>'
            )
        legend_height = 8 + len(keys) * 18
    else:
        legend_height = 26
    span = WIDTH - LABEL - 10
    for row, stack in enumerate(stacks):
        y = legend_height + row * ROW
        body.append(
            f'<text x="{LABEL - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{_t(_cut(stack.label))}</text>"
        )
        total, left = sum(stack.counts), float(LABEL)
        for index, count in enumerate(stack.counts):
            if not total or not count:
                continue
            fill = PALETTE[index % len(PALETTE)]
            width = span * count / total
            body.append(
                f'<rect x="{_n(left)}" y="{y}" width="{_n(width)}" height="{BAR}" '
                f'fill="{fill}" stroke="#fff"/>'
            )
            if width > 22:
                body.append(
                    f'<text x="{_n(left + width / 2)}" y="{y + 13}" text-anchor="middle" '
                    f'font-size="11" fill="{_text_fill(fill)}">{_t(_n(count))}</text>'
                )
            left += width
    return _svg(chart_id, title, desc, legend_height + 6 + len(stacks) * ROW, body)


def heat_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: list[str],
    columns: list[str],
    values: list[list[float | None]],
    low: float,
    high: float,
    darker_is_higher: bool = True,
):
    """A grid of rows x columns, each cell shaded by its value and the value written in it;
    an empty cell (no value, or too few answers to show) is left white with a dash."""
    rows, desc = _first(rows, desc)
    cell_w = (WIDTH - LABEL) / max(len(columns), 1)
    body = []
    for index, column in enumerate(columns):
        x = LABEL + index * cell_w + cell_w / 2
        body.append(
            f'<text x="{_n(x)}" y="14" text-anchor="middle" font-size="11">'
            f"{_t(_cut(column, max(int(cell_w // 7), 3)))}</text>"
        )
    for row, name in enumerate(rows):
        y = 22 + row * ROW
        body.append(
            f'<text x="{LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{_t(_cut(name))}</text>"
        )
        for index, value in enumerate(values[row]):
            x = LABEL + index * cell_w
            if value is None:
                fill, text, ink = "#ffffff", "\u2013", "#000000"
            else:
                share = (value - low) / (high - low) if high > low else 1
                share = min(max(share, 0), 1)
                step = round(share * (len(HEAT) - 1))
                if not darker_is_higher:
                    step = len(HEAT) - 1 - step
                fill, text = HEAT[step], _n(value)
                ink = "#ffffff" if step >= 5 else "#000000"
            body.append(
                f'<rect x="{_n(x)}" y="{y}" width="{_n(cell_w)}" height="{ROW - 2}" '
                f'fill="{fill}" stroke="#999"/>'
                f'<text x="{_n(x + cell_w / 2)}" y="{y + 15}" text-anchor="middle" '
                f'font-size="11" fill="{ink}">{_t(text)}</text>'
            )
    return _svg(chart_id, title, desc, 28 + len(rows) * ROW, body)


def multiples_chart(
    *, chart_id: str, title: str, desc: str, panels: list[Panel], maximum: float | None = None
):
    """Small multiples: one little bar chart per panel (three to a line), on one scale, so
    the panels compare at a glance."""
    values = [value for panel in panels for _x, value in panel.points if value is not None]
    top = maximum or max(values, default=0) or 1
    per_line, panel_w, panel_h = 3, WIDTH / 3, 120
    body = []
    for index, panel in enumerate(panels):
        left = (index % per_line) * panel_w
        top_y = (index // per_line) * (panel_h + 10)
        body.append(
            f'<text x="{_n(left + 4)}" y="{_n(top_y + 14)}" font-size="12" font-weight="bold">'
            f"{_t(_cut(panel.label, 28))}</text>"
            f'<line x1="{_n(left + 4)}" x2="{_n(left + panel_w - 8)}" y1="{_n(top_y + 96)}" '
            f'y2="{_n(top_y + 96)}" stroke="#666"/>'
        )
        slot = (panel_w - 12) / max(len(panel.points), 1)
        for step, (x_label, value) in enumerate(panel.points):
            x = left + 4 + step * slot
            body.append(
                f'<text x="{_n(x + slot / 2)}" y="{_n(top_y + 110)}" text-anchor="middle" '
                f'font-size="10">{_t(_cut(x_label, max(int(slot // 6), 2)))}</text>'
            )
            if value is None:
                continue
            height = 70 * value / top
            body.append(
                f'<rect x="{_n(x + 2)}" y="{_n(top_y + 96 - height)}" width="{_n(slot - 4)}" '
                f'height="{_n(height)}" fill="{PALETTE[0]}"/>'
                f'<text x="{_n(x + slot / 2)}" y="{_n(top_y + 92 - height)}" '
                f'text-anchor="middle" font-size="10">{_t(_n(value))}</text>'
            )
    lines = (len(panels) + per_line - 1) // per_line
    return _svg(chart_id, title, desc, max(lines, 1) * (panel_h + 10), body)
