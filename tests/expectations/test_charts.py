"""The SVG charts' numbers: coordinates, labels, colours and suppression."""

import pytest
from django.utils import translation

from expectations import charts


def test_line_chart_places_scores_between_top_and_bottom():
    chart = charts.line_chart([1, 5, 3], ["Q1", "Q2", "Q3"], width=320, height=130)
    ys = [float(point.y) for point in chart.points]
    xs = [float(point.x) for point in chart.points]
    assert ys[1] == charts.LINE_TOP  # a 5 sits on the top line
    assert ys[0] == 130 - charts.LINE_BOTTOM  # a 1 on the bottom line
    assert ys[2] == pytest.approx((ys[0] + ys[1]) / 2)
    assert xs == [charts.LINE_LEFT, (charts.LINE_LEFT + 310) / 2, 310]
    assert chart.segments == [" ".join(f"{p.x},{p.y}" for p in chart.points)]
    assert [label for _x, _anchor, label in chart.ticks] == ["Q1", "Q3"]
    assert [score for _y, _ly, score in chart.grid] == ["1", "2", "3", "4", "5"]


def test_line_chart_breaks_the_line_where_a_term_has_no_rating():
    chart = charts.line_chart([2, 3, None, 4, None, 5], list("abcdef"))
    assert len(chart.points) == 4
    assert len(chart.segments) == 1  # a-b joined; d and f stand alone as points
    assert chart.segments[0].count(",") == 2
    assert [point.label for point in chart.points] == ["a", "b", "d", "f"]


def test_line_chart_of_one_term_centres_its_point():
    chart = charts.line_chart([4], ["Q1"], width=320)
    assert chart.segments == []
    assert float(chart.points[0].x) == charts.LINE_LEFT + (320 - 32) / 2
    assert chart.ticks == [(chart.points[0].x, "middle", "Q1")]


def test_coordinates_keep_a_dot_in_spanish():
    with translation.override("es"):
        chart = charts.line_chart([2.5, 3.25], ["a", "b"])
        assert "," not in chart.points[0].y
        assert charts.shown(3.25) == "3,2" or charts.shown(3.25) == "3,3"
    assert charts.shown(4.0) == "4"
    assert charts.shown(None) == charts.DASH


@pytest.mark.parametrize(
    ("values", "start"),
    [
        ([2, None, 4], "Rose from 2"),
        ([4, 3], "Fell from 4"),
        ([3, 3], "3 in a and 3 in b"),
        ([None, 4], "Rated 4 in b, the only term so far."),
        ([None, None], "No ratings yet."),
    ],
)
def test_trend_words_say_which_way_the_line_goes(values, start):
    labels = list("abc")[: len(values)]
    assert charts.trend_words(values, labels).startswith(start)


def test_distribution_bar_splits_the_width_by_counts_and_labels_segments():
    chart = charts.distribution_chart(
        [
            {"name": "Play", "counts": [1, 0, 1, 0, 2], "note": "average 3", "weakest": True},
            {"name": "Time", "counts": [0, 0, 0, 0, 0], "note": "none", "weakest": False},
        ]
    )
    play, time = chart.rows
    assert [float(s.width) for s in play.segments] == [80, 80, 160]  # the zero count has none
    assert [float(s.x) for s in play.segments] == [0, 80, 160]
    assert [s.text for s in play.segments] == ["1", "1", "2"]
    assert play.segments[0].label == "1 rated it 1"
    assert play.segments[0].fill == charts.SCORE_FILL[1]
    assert play.segments[0].text_fill == charts.LIGHT  # white on dark purple
    assert play.segments[-1].text_fill == charts.DARK  # black on yellow
    assert play.weakest and not time.weakest
    assert time.segments == []
    assert float(time.y) - float(play.y) == charts.ROW_HEIGHT
    assert chart.height == charts.LEGEND_HEIGHT + 2 * charts.ROW_HEIGHT


def test_a_narrow_segment_keeps_its_label_but_prints_no_number():
    chart = charts.distribution_chart(
        [{"name": "Play", "counts": [1, 0, 0, 0, 99], "note": "", "weakest": False}]
    )
    narrow, wide = chart.rows[0].segments
    assert narrow.text == "" and narrow.label == "1 rated it 1"
    assert wide.text == "99"


def test_heat_map_suppresses_cells_under_five_and_labels_every_cell():
    chart = charts.heat_map(
        ["Harbor", "A very long advisory name"],
        [("1", "Relationships"), ("2", "Relevance")],
        [[(4.5, 12), (2.0, 4)], [(1.0, 5), (None, 0)]],
    )
    shown, small, low, empty = chart.cells
    assert shown.text == "4.5" and not shown.suppressed
    assert shown.label == "Harbor, Relationships: average 4.5 from 12"
    assert small.suppressed and small.text == charts.DASH
    assert small.label == "Harbor, Relevance: fewer than 5 respondents"
    assert "2" not in small.text
    assert low.fill == charts.VIRIDIS[0] and low.text_fill == charts.LIGHT
    assert empty.suppressed
    assert (float(small.x) - float(shown.x), float(low.y) - float(shown.y)) == (
        charts.CELL_W,
        charts.CELL_H,
    )
    assert [header for _x, header in chart.columns] == ["1", "2"]
    assert chart.rows[1][1].endswith("\u2026") and len(chart.rows[1][1]) == charts.ROW_NAME_CHARS
    assert chart.height == charts.HEAT_TOP + 2 * charts.CELL_H + 2


def test_heat_fill_runs_along_viridis():
    assert charts.heat_fill(1) == charts.VIRIDIS[0]
    assert charts.heat_fill(5) == charts.VIRIDIS[-1]
    assert charts.heat_fill(3) == charts.VIRIDIS[2]
    assert charts.heat_fill(9) == charts.VIRIDIS[-1]
    middle = charts.heat_fill(1.5)
    assert middle not in charts.VIRIDIS and middle.startswith("#") and len(middle) == 7
