"""Charts drawn on the server as SVG: every element's coordinates, fill and label are worked
out here, once, and the ``expectations/_chart_*.html`` templates only write them out.

Coordinates are strings with a dot for decimals whatever the reader's language (an SVG
attribute is not prose), and the numbers a reader sees are localized. Nothing is carried by
colour alone: every bar segment and heat map cell prints its value, the weakest row is named
and outlined, and a suppressed cell is hatched and says so."""

from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from django.utils.formats import get_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from expectations.selectors.insight import MIN_GROUP, SCORES

# Viridis at five stops: ordered in lightness, readable by colour-blind readers and in grey.
VIRIDIS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
SCORE_FILL = dict(zip(SCORES, VIRIDIS, strict=True))
DARK, LIGHT = "#000000", "#ffffff"
SUPPRESSED_FILL = "#e9ecef"
DASH = "\u2013"  # what a missing number shows


def coord(value: float) -> str:
    """A coordinate as SVG wants it: a dot for decimals, at most one decimal."""
    return f"{value:.1f}".removesuffix(".0")


def shown(value: float | None, decimals: int = 1) -> str:
    """A number as the reader's language writes it ("3.4", "3,4", a whole one as "4"); a
    dash for none."""
    if value is None:
        return DASH
    if value == int(value):
        return str(int(value))
    return number_format(round(value, decimals), decimals)


def decimal(value: float, separator: str | None = None) -> str:
    """An average with one decimal, as the reader's language writes it ("3.0", "3,0"); a
    loop over thousands passes the language's ``decimal_separator()``."""
    return f"{value:.1f}".replace(".", separator or decimal_separator())


def decimal_separator() -> str:
    """The active language's decimal separator."""
    return get_format("DECIMAL_SEPARATOR")


def table_cells(texts: list[str]) -> SafeString:
    """A table row's data cells, escaped: a big school's tables have thousands of cells, too
    many for a template loop to write within the page's time."""
    return SafeString("".join(f"<td>{escape(text)}</td>" for text in texts))


@lru_cache(maxsize=64)
def text_on(fill: str) -> str:
    """Black or white text, whichever reads better on a fill (WCAG relative luminance)."""
    return DARK if _luminance(fill) > 0.179 else LIGHT


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@lru_cache(maxsize=64)
def heat_fill(average: float) -> str:
    """The viridis colour of an average from 1 to 5, between the five stops (averages come
    rounded to a tenth, so a big map asks for a few dozen colours)."""
    position = min(max(average, 1.0), 5.0) - 1.0
    low = min(int(position), 3)
    share = position - low
    start, end = VIRIDIS[low], VIRIDIS[low + 1]
    mixed = [
        round(int(start[i : i + 2], 16) * (1 - share) + int(end[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


# --- a line over terms ----------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    value: str
    label: str


@dataclass
class LineChart:
    width: int
    height: int
    grid: list[tuple[str, str, str]]  # (y, label y, score)
    segments: list[str]  # polyline "x,y x,y" runs, broken where a term has no rating
    points: list[Point]
    ticks: list[tuple[str, str, str]]  # (x, anchor, label) under the first and last term
    plot_left: str
    plot_right: str


LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 22, 10, 10, 22


def line_chart(
    values: list[float | None], labels: list[str], *, width: int = 320, height: int = 130
) -> LineChart:
    """A line of ratings from 1 to 5 over terms (None: no rating that term)."""
    plot_w = width - LINE_LEFT - LINE_RIGHT
    plot_h = height - LINE_TOP - LINE_BOTTOM
    step = plot_w / (len(values) - 1) if len(values) > 1 else 0
    xs = [LINE_LEFT + (step * i if step else plot_w / 2) for i in range(len(values))]

    def y_of(score: float) -> float:
        return LINE_TOP + plot_h * (5 - score) / 4

    points, segments, run = [], [], []
    for x, value, label in zip(xs, values, labels, strict=True):
        if value is None:
            segments, run = _close(segments, run), []
            continue
        run.append(f"{coord(x)},{coord(y_of(value))}")
        points.append(Point(coord(x), coord(y_of(value)), shown(value), label))
    segments = _close(segments, run)
    grid = [(coord(y_of(s)), coord(y_of(s) + 3.5), str(s)) for s in SCORES]
    return LineChart(
        width=width,
        height=height,
        grid=grid,
        segments=segments,
        points=points,
        ticks=_ticks(xs, labels),
        plot_left=coord(LINE_LEFT),
        plot_right=coord(width - LINE_RIGHT),
    )


def _close(segments: list[str], run: list[str]) -> list[str]:
    return [*segments, " ".join(run)] if len(run) > 1 else segments


def _ticks(xs: list[float], labels: list[str]) -> list[tuple[str, str, str]]:
    if not xs:
        return []
    if len(xs) == 1:
        return [(coord(xs[0]), "middle", labels[0])]
    return [(coord(xs[0]), "start", labels[0]), (coord(xs[-1]), "end", labels[-1])]


def trend_words(values: list[float | None], labels: list[str]) -> str:
    """The trend of a line in one sentence, for the chart's description."""
    rated = [
        (label, value) for label, value in zip(labels, values, strict=True) if value is not None
    ]
    if not rated:
        return _("No ratings yet.")
    (first_label, first), (last_label, last) = rated[0], rated[-1]
    if len(rated) == 1:
        return _("Rated %(value)s in %(term)s, the only term so far.") % {
            "value": shown(first),
            "term": first_label,
        }
    words = {
        "first": shown(first),
        "first_term": first_label,
        "last": shown(last),
        "last_term": last_label,
        "terms": len(rated),
    }
    if last > first:
        return _("Rose from %(first)s in %(first_term)s to %(last)s in %(last_term)s.") % words
    if last < first:
        return _("Fell from %(first)s in %(first_term)s to %(last)s in %(last_term)s.") % words
    return _("%(first)s in %(first_term)s and %(last)s in %(last_term)s.") % words


# --- a stacked bar of scores 1 to 5 per expectation ---------------------------------------


@dataclass(frozen=True)
class Segment:
    x: str
    width: str
    fill: str
    text: str  # the count, printed inside when the segment is wide enough
    text_x: str
    text_fill: str
    label: str


@dataclass
class BarRow:
    name: str
    y: str
    name_y: str
    bar_y: str
    text_y: str
    segments: list[Segment]
    weakest: bool
    note: str  # under the name: the average, or why the bar is empty


@dataclass
class BarChart:
    width: int
    height: int
    bar_height: int
    rows: list[BarRow] = field(default_factory=list)
    legend: list[tuple[str, str, str, str]] = field(default_factory=list)


BAR_WIDTH, BAR_HEIGHT, ROW_HEIGHT, LEGEND_HEIGHT = 320, 16, 40, 26


def distribution_chart(rows: list[dict]) -> BarChart:
    """One stacked bar per expectation of how many gave each score from 1 to 5; each row is
    a dict with ``name``, ``counts`` (five numbers), ``note`` and ``weakest``."""
    chart = BarChart(
        width=BAR_WIDTH, height=LEGEND_HEIGHT + ROW_HEIGHT * len(rows), bar_height=BAR_HEIGHT
    )
    chart.legend = [
        (coord(40 + i * 40), coord(40 + i * 40 + 22), fill, str(score))
        for i, (score, fill) in enumerate(SCORE_FILL.items())
    ]
    for index, row in enumerate(rows):
        top = LEGEND_HEIGHT + index * ROW_HEIGHT
        chart.rows.append(
            BarRow(
                name=row["name"],
                y=coord(top),
                name_y=coord(top + 12),
                bar_y=coord(top + 17),
                text_y=coord(top + 29),
                segments=_segments(row["counts"]),
                weakest=row["weakest"],
                note=row["note"],
            )
        )
    return chart


def _segments(counts: list[int]) -> list[Segment]:
    total = sum(counts)
    if not total:
        return []
    segments, left = [], 0.0
    for score, count in zip(SCORES, counts, strict=True):
        width = BAR_WIDTH * count / total
        if count:
            fill = SCORE_FILL[score]
            segments.append(
                Segment(
                    x=coord(left),
                    width=coord(width),
                    fill=fill,
                    text=str(count) if width >= 14 else "",
                    text_x=coord(left + width / 2),
                    text_fill=text_on(fill),
                    label=_("%(count)s rated it %(score)s") % {"count": count, "score": score},
                )
            )
        left += width
    return segments


# --- a heat map of groups x expectations --------------------------------------------------


@dataclass(frozen=True)
class Cell:
    x: str
    y: str
    text_x: str
    text_y: str
    fill: str
    text: str
    text_fill: str
    label: str
    suppressed: bool


@dataclass
class HeatMap:
    width: int
    height: int
    cell_w: int
    cell_h: int
    columns: list[tuple[str, str]]  # (x, header)
    rows: list[tuple[str, str]]  # (y, name)
    cells: list[Cell]
    legend: list[tuple[str, str, str, str, str]]  # (x, fill, text x, text fill, label)
    hatch_x: str = ""  # the legend's swatch for a suppressed cell, after the scores
    hatch_text_x: str = ""
    cells_svg: SafeString = field(default_factory=SafeString)  # the cells, written out


HEAT_LEFT, HEAT_TOP, CELL_W, CELL_H = 100, 44, 30, 24
ROW_NAME_CHARS = 15  # longer group names are cut in the chart (the table has them whole)


def heat_map(
    rows: list[str],
    columns: list[tuple[str, str]],
    values: list[list[tuple[float | None, int]]],
    *,
    chart_id: str = "heat",
) -> HeatMap:
    """A grid of averages: rows are groups (advisories), columns (short header, name) the
    expectations, each cell ``(average, respondents)``. A cell with fewer than five
    respondents is hatched and says so; every cell's label names its group, its expectation
    and its number."""
    words = Words(
        decimal_separator(),
        _("%(group)s, %(expectation)s: average %(average)s from %(count)s"),
        _("%(group)s, %(expectation)s: fewer than 5 respondents"),
    )
    cells = [
        _cell(HEAT_LEFT + c * CELL_W, HEAT_TOP + r * CELL_H, name, column[1], *value, words)
        for r, (name, row) in enumerate(zip(rows, values, strict=True))
        for c, (column, value) in enumerate(zip(columns, row, strict=True))
    ]
    return HeatMap(
        width=max(HEAT_LEFT + CELL_W * len(columns), HEAT_LEFT + CELL_W * 6 + 80) + 2,
        height=HEAT_TOP + CELL_H * len(rows) + 2,
        cell_w=CELL_W,
        cell_h=CELL_H,
        columns=[
            (coord(HEAT_LEFT + c * CELL_W + CELL_W / 2), header)
            for c, (header, _name) in enumerate(columns)
        ],
        rows=[
            (coord(HEAT_TOP + r * CELL_H + CELL_H / 2 + 4), _cut(name))
            for r, name in enumerate(rows)
        ],
        cells=cells,
        legend=[
            (
                coord(HEAT_LEFT + i * CELL_W),
                fill,
                coord(HEAT_LEFT + i * CELL_W + CELL_W / 2),
                text_on(fill),
                str(score),
            )
            for i, (score, fill) in enumerate(SCORE_FILL.items())
        ],
        hatch_x=coord(HEAT_LEFT + 5 * CELL_W + 8),
        hatch_text_x=coord(HEAT_LEFT + 6 * CELL_W + 12),
        cells_svg=cells_svg(cells, f"url(#{chart_id}-hatch)"),
    )


CELL_SVG = (
    '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff"/>'
    '<text x="{}" y="{}" fill="{}">{}</text></g>\n'
)


def cells_svg(cells: list[Cell], hatch: str) -> SafeString:
    """The heat map's cells as SVG: one format per cell, since a big school's map has
    thousands and a template loop would cost more than the queries. The label and the text
    are escaped here; every other value is a number or a colour of this module's own."""
    return SafeString(
        "".join(
            CELL_SVG.format(
                escape(cell.label),
                cell.x,
                cell.y,
                CELL_W,
                CELL_H,
                hatch if cell.suppressed else cell.fill,
                cell.text_x,
                cell.text_y,
                cell.text_fill,
                escape(cell.text),
            )
            for cell in cells
        )
    )


def _cut(name: str) -> str:
    """A group's name short enough for the map's margin."""
    return name if len(name) <= ROW_NAME_CHARS else name[: ROW_NAME_CHARS - 1] + "\u2026"


@dataclass(frozen=True)
class Words:
    """What every cell of a heat map says, translated once for all of them."""

    separator: str
    shown: str
    hidden: str


def _cell(
    x: float, y: float, row: str, column: str, average: float | None, count: int, words: Words
) -> Cell:
    suppressed = count < MIN_GROUP
    if suppressed or average is None:
        fill, text = SUPPRESSED_FILL, DASH
        label = words.hidden % {"group": row, "expectation": column}
    else:
        fill, text = heat_fill(round(average, 1)), decimal(average, words.separator)
        label = words.shown % {
            "group": row,
            "expectation": column,
            "average": text,
            "count": count,
        }
    return Cell(
        x=coord(x),
        y=coord(y),
        text_x=coord(x + CELL_W / 2),
        text_y=coord(y + CELL_H / 2 + 4),
        fill=fill,
        text=text,
        text_fill=text_on(fill),
        label=label,
        suppressed=suppressed or average is None,
    )
