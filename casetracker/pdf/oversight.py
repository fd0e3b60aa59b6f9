"""The governing board's oversight report as an A4 PDF: the web page's figures, in the page's order.

Rendered with reportlab platypus from a plain `OversightReport`, whose figures are already
protected: a hidden figure is a Cell whose value is None, and it prints as its words ("fewer than
3" or "not shown"), never as a number. A bar chart draws a bar only for a shown figure (a hidden
one is plotted as 0, so it has no bar, and its words sit where the bar would start); each chart is
followed by its table, which is the chart's text alternative. Every string goes through
`text.para` (Paragraph) or `text.plain` (canvas and chart labels).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    Spacer,
)
from reportlab.platypus.tables import TableStyle

from casetracker.domain.oversight import Cell
from casetracker.pdf import pages
from casetracker.pdf.oversight_document import Figure, Grid, OversightReport
from casetracker.pdf.pages import BLACK, CONTENT_WIDTH, FOOTER_FONT_SIZE, GREY, RULE
from casetracker.pdf.text import BOLD, REGULAR, para, plain, register_fonts

MARKING = "OFFICIAL-SENSITIVE"
# GOV.UK colours, one a series; the table below each chart gives the figures in words as well.
BAR_COLOURS = tuple(
    colors.HexColor(c) for c in ("#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#28a197", "#6f72af")
)

INTRODUCTION = (
    "Anonymised figures for the governing board about concerns and allegations about adults working in or "
    "for the school: no names, roles or dates. To keep anyone from being identified, numbers below 3 are "
    'shown as "fewer than 3", and some other numbers are "not shown" so that a small number cannot be '
    "worked out from a total."
)
LADO_EXPLAINED = (
    "The local authority designated officer (LADO) should be consulted within one working day of an "
    "allegation being received."
)
TEXT_ALTERNATIVE = "Text alternative: the table below gives the same figures."
WITHHELD = "this table is not shown because the numbers are too small to show without identifying anyone."
LADO_MEDIAN_CAPTION = "Median time from receipt to LADO consultation, in hours"
CLOSURE_MEDIAN_CAPTION = "Median time from receipt to closure, in days"

# Tables: a grid with more columns than this is set in the smaller size, so that it fits the page.
WIDE_TABLE_COLUMNS = 5
TABLE_FONT_SIZE = 8.5
WIDE_TABLE_FONT_SIZE = 7.5
CELL_PADDING = 3
LABEL_SHARE = 0.22  # the label column's width, as a share of the page, when the figures need the rest
NUMBER_WIDTH = 62  # the narrowest a figure's column is made when there is room

# Charts.
CHART_FONT_SIZE = 7
BAR_THICKNESS = 9
GROUP_GAP = 9
VALUE_ROOM = 52  # room right of the longest bar for its label


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": REGULAR, "fontSize": 9.5, "leading": 12.5, "textColor": BLACK}
    return ParagraphStyle(name, **(base | kw))


class Styles:
    """The paragraph styles, all in DejaVu Sans."""

    school = _style("school", fontSize=11, leading=14, textColor=GREY, spaceAfter=2)
    title = _style("title", fontName=BOLD, fontSize=17, leading=21, spaceAfter=8)
    body = _style("body", spaceAfter=6)
    lead = _style("lead", spaceAfter=6, keepWithNext=1)  # a section's first words, kept with what follows
    withheld = _style("withheld", spaceBefore=6, spaceAfter=6)
    bullet = _style("bullet", leftIndent=10, bulletIndent=0, bulletFontName=REGULAR, spaceAfter=2)
    heading = _style("heading", fontName=BOLD, fontSize=13, leading=16, spaceBefore=14, spaceAfter=6, keepWithNext=1)
    caption = _style("caption", fontName=BOLD, fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=4, keepWithNext=1)
    alternative = _style("alternative", fontSize=8.5, leading=11, textColor=GREY, spaceBefore=2, spaceAfter=2)
    footer = _style("footer", fontSize=FOOTER_FONT_SIZE, leading=8.5, textColor=BLACK)


class _TableStyles:
    """The cell styles of a table in one font size."""

    def __init__(self, size: float) -> None:
        leading = round(size * 1.3, 1)
        self.size = size
        self.label = _style(f"label-{size}", fontName=BOLD, fontSize=size, leading=leading)
        self.head = _style(f"head-{size}", fontName=BOLD, fontSize=size, leading=leading, alignment=TA_RIGHT)
        self.number = _style(f"number-{size}", fontSize=size, leading=leading, alignment=TA_RIGHT)


def render(report: OversightReport) -> bytes:
    """The oversight report as PDF bytes."""
    register_fonts()
    title = plain(f"Oversight report {report.year_label}")
    return pages.build(list(_story(report)), title=title, marking=MARKING, left=title, right="", footer=_footer(report))


# --- page furniture ------------------------------------------------------------------------------


def _footer(report: OversightReport) -> Paragraph:
    field = pages.footer_field
    lines = [field(report.school_name), f"Generated {field(report.generated_at)}"]
    return Paragraph(para("\n".join(lines)), Styles.footer)


# --- the story: the web page's sections, in its order ----------------------------------------


def _story(report: OversightReport) -> Iterator[Flowable]:
    yield Paragraph(para(report.school_name), Styles.school)
    yield Paragraph(para(f"Oversight report {report.year_label}"), Styles.title)
    yield Paragraph(para(INTRODUCTION), Styles.body)
    for note in report.notes:
        yield Paragraph(para(note), Styles.bullet, bulletText="•")

    yield from _charted_grid(report.term_by_kind, [Paragraph("Reports by term and kind", Styles.heading)])

    yield Paragraph("Reports by kind and outcome", Styles.heading)
    yield from _grid(report.kind_by_outcome_year)
    for grid in report.kind_by_outcome_terms:
        yield from _grid(grid)

    lado = [Paragraph("Consulting the LADO", Styles.heading), Paragraph(para(LADO_EXPLAINED), Styles.lead)]
    yield from _charted_grid(report.lado_time_by_term, lado)
    yield from _grid(report.lado_by_term)
    yield from _figures(LADO_MEDIAN_CAPTION, report.lado_median_hours)

    yield Paragraph("Time to closure", Styles.heading)
    yield from _figures(CLOSURE_MEDIAN_CAPTION, report.closure_median_days)

    yield Paragraph("Pattern reviews and referrals", Styles.heading)
    yield from _grid(report.activity_by_term)


def _charted_grid(grid: Grid, opening: list[Flowable]) -> Iterator[Flowable]:
    """A bar chart of the grid, its text alternative line, then the grid (a withheld grid has no chart).

    `opening` (the section's heading and first words) is kept on a page with the chart.
    """
    if grid.withheld or not grid.rows or not grid.column_labels:
        yield from opening
    else:
        chart = [
            Paragraph(para(f"Chart: {grid.caption}"), Styles.caption),
            _bar_chart(grid, CONTENT_WIDTH),
            Paragraph(para(TEXT_ALTERNATIVE), Styles.alternative),
        ]
        yield KeepTogether([*opening, *chart])
    yield from _grid(grid)


def _grid(grid: Grid) -> Iterator[Flowable]:
    """The grid's caption and table: a header row, a row per row label, and a totals row."""
    if grid.withheld:
        yield Paragraph(para(f"{grid.caption}: {WITHHELD}"), Styles.withheld)
        return
    columns = len(grid.column_labels) + 1  # and the total
    styles = _TableStyles(WIDE_TABLE_FONT_SIZE if columns > WIDE_TABLE_COLUMNS else TABLE_FONT_SIZE)
    head = ["", *grid.column_labels, "Total"]
    body: list[list[str]] = [
        [label, *(cell.text for cell in cells), total.text]
        for label, cells, total in zip(grid.row_labels, grid.rows, grid.row_totals, strict=True)
    ]
    body.append(["Total", *(cell.text for cell in grid.column_totals), grid.grand_total.text])
    yield Paragraph(para(grid.caption), Styles.caption)
    yield _table(head, body, styles, totals_row=True)
    yield Spacer(0, 6)


def _figures(caption: str, figures: Sequence[Figure]) -> Iterator[Flowable]:
    """A caption and a two-column table of labelled figures (medians)."""
    yield Paragraph(para(caption), Styles.caption)
    rows = [[figure.label, figure.text] for figure in figures]
    yield _table(None, rows, _TableStyles(TABLE_FONT_SIZE), totals_row=False)
    yield Spacer(0, 6)


def _table(head: list[str] | None, rows: list[list[str]], styles: _TableStyles, *, totals_row: bool) -> LongTable:
    """Labels in the first column; figures right-aligned in the rest; fits the page width."""
    widths = _column_widths(head, rows, styles)
    data: list[list[Paragraph]] = []
    if head is not None:
        data.append([Paragraph(para(head[0]), styles.label), *(Paragraph(para(h), styles.head) for h in head[1:])])
    for row in rows:
        figures = (
            Paragraph(_figure_text(v, w - 2 * CELL_PADDING, styles.number), styles.number)
            for v, w in zip(row[1:], widths[1:], strict=True)
        )
        data.append([Paragraph(para(row[0]), styles.label), *figures])
    header_rows = 1 if head is not None else 0
    table = LongTable(data, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # else the table sets Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if head is not None:
        commands += [("VALIGN", (0, 0), (-1, 0), "BOTTOM"), ("LINEBELOW", (0, 0), (-1, 0), 1, BLACK)]
    if totals_row:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1, BLACK))
    table.setStyle(TableStyle(commands))
    return table


def _column_widths(head: list[str] | None, rows: list[list[str]], styles: _TableStyles) -> list[float]:
    """Widths that fit the page: the label column first, then figure columns as even as their words allow.

    When there is room, each figure column is as wide as its figures on one line and its heading on
    about two lines, and the label column takes the rest; when there is not, the figure columns share
    what the label column leaves, none narrower than its longest word.
    """
    size, pad = styles.size, 2 * CELL_PADDING

    def widest(texts: Sequence[str], font: str, *, words: bool) -> float:
        pieces = [w for t in texts for w in (plain(t).split() if words else [plain(t)])]
        return max((stringWidth(p, font, size) for p in pieces), default=0.0)

    count = len(rows[0]) if rows else len(head or [])
    columns = [[row[j] for row in rows] for j in range(1, count)]
    heads = [[head[j]] if head else [] for j in range(1, count)]
    least = [
        max(widest(h, BOLD, words=True), widest(c, REGULAR, words=True)) + pad
        for h, c in zip(heads, columns, strict=True)
    ]
    liked = [
        max(low, NUMBER_WIDTH, widest(c, REGULAR, words=False) + pad, widest(h, BOLD, words=False) * 0.6 + pad)
        for low, h, c in zip(least, heads, columns, strict=True)
    ]
    labels = [row[0] for row in rows] + ([head[0]] if head else [])
    label_least = widest(labels, BOLD, words=True) + CELL_PADDING
    if sum(liked) + max(label_least, CONTENT_WIDTH * LABEL_SHARE) <= CONTENT_WIDTH:
        return [CONTENT_WIDTH - sum(liked), *liked]

    label = max(label_least, min(widest(labels, BOLD, words=False) + CELL_PADDING, CONTENT_WIDTH * LABEL_SHARE))
    room = CONTENT_WIDTH - label
    if sum(least) > room:  # too many columns even with every word on a line of its own
        return [label, *(w * room / sum(least) for w in least)]
    # Even shares, except that a column whose longest word needs more gets just that.
    widths: list[float | None] = [None] * len(least)
    while True:
        free = [j for j, w in enumerate(widths) if w is None]
        share = (room - sum(w for w in widths if w is not None)) / len(free)
        wider = [j for j in free if least[j] > share]
        if not wider:
            return [label, *(share if w is None else w for w in widths)]
        for j in wider:
            widths[j] = least[j]


def _figure_text(text: str, width: float, style: ParagraphStyle) -> str:
    """A figure's words for a Paragraph: "fewer than 3" too wide for its column breaks after "fewer"."""
    words = plain(text).split(" ")
    if len(words) < 2 or stringWidth(plain(text), style.fontName, style.fontSize) <= width:
        return para(text)
    return para(words[0]) + "<br/>" + para(" ".join(words[1:]))


# --- charts ----------------------------------------------------------------------------------------


def _bar_chart(grid: Grid, width: float) -> Drawing:
    """A horizontal bar chart: a group of bars for each row label, a bar (and colour) for each column.

    A hidden figure is plotted as 0, so it has no bar; its words are printed where the bar starts.
    """
    series = len(grid.column_labels)
    groups = len(grid.row_labels)
    size = CHART_FONT_SIZE

    # The row labels sit left of the chart, wrapped to at most a quarter of its width.
    label_width = min(
        max((stringWidth(plain(label), REGULAR, size) for label in grid.row_labels), default=0.0),
        width * 0.25,
    )
    wrapped_labels = ["\n".join(simpleSplit(plain(label), REGULAR, size, label_width)) for label in grid.row_labels]

    legend, legend_height = _legend(grid.column_labels, width)
    plot_height = groups * (series * BAR_THICKNESS + GROUP_GAP)
    plot_left = label_width + 6
    drawing = Drawing(width, plot_height + legend_height + 8)
    drawing.initialFontName = REGULAR  # else the renderer sets Helvetica before the first string
    drawing.initialFontSize = size

    chart = HorizontalBarChart()
    chart.x = plot_left
    chart.y = 0
    chart.width = width - plot_left - VALUE_ROOM
    chart.height = plot_height
    # reportlab stacks a group's bars from the bottom up: the series go in last column first, so
    # that the bars read top to bottom in the key's (and the table's) order.
    order = list(reversed(range(series)))
    values = [[_plotted(row[j]) for row in grid.rows] for j in order]
    chart.data = values or [[0] * groups]
    chart.barSpacing = 0.5
    chart.groupSpacing = GROUP_GAP
    chart.bars.strokeColor = None
    chart.bars.strokeWidth = 0
    for k, j in enumerate(order):
        chart.bars[k].fillColor = BAR_COLOURS[j % len(BAR_COLOURS)]

    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max((v for row in values for v in row), default=0) or 1
    chart.valueAxis.visible = False
    chart.categoryAxis.categoryNames = wrapped_labels
    chart.categoryAxis.reverseDirection = True  # the first row at the top, as in the table
    chart.categoryAxis.visibleTicks = False
    chart.categoryAxis.strokeColor = GREY
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = size
    chart.categoryAxis.labels.leading = size * 1.25
    chart.categoryAxis.labels.fillColor = BLACK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.dx = -4

    chart.barLabelFormat = "values"
    chart.barLabelArray = [[plain(row[j].text) for row in grid.rows] for j in order]
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = size
    chart.barLabels.fillColor = BLACK
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.nudge = 3
    for k, j in enumerate(order):
        for i, row in enumerate(grid.rows):
            if row[j].value is None:
                chart.barLabels[(k, i)].fillColor = GREY

    drawing.add(chart)
    for shape in legend:
        shape.y += plot_height + 8
        drawing.add(shape)
    return drawing


def _plotted(cell: Cell) -> int:
    return cell.value if cell.value is not None else 0


def _legend(labels: Sequence[str], width: float) -> tuple[list[Any], float]:
    """A key of coloured squares and column labels, in rows that fit the width; y from its bottom."""
    size, swatch, gap, line = CHART_FONT_SIZE + 0.5, 7, 14, 11
    items: list[tuple[int, str, float]] = []
    for j, label in enumerate(labels):
        text = pages.fit(plain(label), REGULAR, size, width - swatch - 4)
        items.append((j, text, swatch + 4 + stringWidth(text, REGULAR, size)))
    rows: list[list[tuple[int, str, float]]] = [[]]
    used = 0.0
    for item in items:
        if rows[-1] and used + gap + item[2] > width:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0) + item[2]
        rows[-1].append(item)
    shapes: list[Any] = []
    height = len(rows) * line
    for number, row in enumerate(rows):
        y = height - (number + 1) * line + 2
        x = 0.0
        for j, text, item_width in row:
            colour = BAR_COLOURS[j % len(BAR_COLOURS)]
            shapes.append(Rect(x, y, swatch, swatch, fillColor=colour, strokeColor=None))
            shapes.append(String(x + swatch + 4, y + 0.5, text, fontName=REGULAR, fontSize=size, fillColor=BLACK))
            x += item_width + gap
    return shapes, height
