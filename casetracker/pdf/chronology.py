"""A case's chronology as an A4 PDF: protective marking, provenance footer, the case, every entry, the access log.

Rendered with reportlab platypus from a plain `ChronologyDocument`. Every user string goes through
`text.para` (Paragraph) or `text.plain` (canvas); the only markup added here is `<strike>` around
already-escaped text of a superseded entry. Long free text is always a Paragraph of its own, never
a table cell, so an entry of any length splits across pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    LongTable,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.tables import TableStyle

from casetracker.pdf import pages
from casetracker.pdf.document import ChronologyDocument, ExportEntry
from casetracker.pdf.pages import BLACK, CONTENT_WIDTH, FOOTER_FONT_SIZE, GREY, RULE
from casetracker.pdf.text import BOLD, REGULAR, para, plain, register_fonts

LABEL_WIDTH = 42 * mm
SHADE = colors.HexColor("#f3f2f1")
RED = colors.HexColor("#942514")
WARNING_FILL = colors.HexColor("#fff7bf")

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
# reportlab splits a Paragraph of many `<br/>` lines across pages in quadratic time (100 KB of short
# lines took 35 s as one Paragraph), so free text is laid out at most this many lines at a time.
LINES_PER_PARAGRAPH = 40
# An entry's heading is not left alone at the foot of a page: it starts a new page unless there is
# room for the heading, the dates and two lines of text (a question and a line of its answer).
# CondPageBreak, not keepWithNext: the latter wraps every entry twice, a fifth of the export's time.
ENTRY_START = 80
QUESTION_START = 26


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": REGULAR, "fontSize": 9.5, "leading": 12.5, "textColor": BLACK}
    return ParagraphStyle(name, **(base | kw))


_HEADING: dict[str, Any] = {"fontName": BOLD, "fontSize": 12.5, "leading": 16, "spaceBefore": 12, "spaceAfter": 5}


class Styles:
    """The paragraph styles, all in DejaVu Sans."""

    title = _style("title", fontName=BOLD, fontSize=17, leading=21, spaceAfter=4)
    redacted = _style("redacted", fontName=BOLD, fontSize=12, leading=15, textColor=RED, spaceAfter=2)
    note = _style("note", textColor=GREY, spaceAfter=2)
    heading = _style("heading", **_HEADING, keepWithNext=1)
    # Kept with the first entry by a CondPageBreak: keepWithNext would also wrap that entry's start.
    entries_heading = _style("entries_heading", **_HEADING)
    label = _style("label", fontName=BOLD, fontSize=8.5, leading=11, textColor=GREY)
    value = _style("value")
    table_head = _style("table_head", fontName=BOLD, fontSize=8.5, leading=11)
    cell = _style("cell", fontSize=8.5, leading=11)
    flag = _style("flag", leftIndent=10, bulletIndent=0, bulletFontName=REGULAR, spaceAfter=1)
    warning = _style(
        "warning",
        fontName=BOLD,
        fontSize=10.5,
        leading=14,
        borderWidth=1.5,
        borderColor=BLACK,
        borderPadding=7,
        backColor=WARNING_FILL,
        spaceBefore=16,
        spaceAfter=14,
        leftIndent=7,
        rightIndent=7,
    )
    entry = _style(
        "entry",
        fontName=BOLD,
        fontSize=10.5,
        leading=13.5,
        backColor=SHADE,
        borderPadding=(3, 4, 3, 4),
        leftIndent=4,
        rightIndent=4,
        spaceBefore=12,
        spaceAfter=4,
    )
    marker = _style("marker", fontName=BOLD, textColor=RED, spaceAfter=2)
    meta = _style("meta", fontSize=8.5, leading=11, textColor=GREY, spaceAfter=3)
    question = _style("question", fontName=BOLD, fontSize=8.5, leading=11, textColor=GREY, spaceBefore=3)
    text = _style("text", spaceBefore=4)  # the start of a paragraph of free text
    text_more = _style("text_more")  # its continuation, or the start of an answer
    text_struck = _style("text_struck", spaceBefore=4, textColor=GREY)
    text_more_struck = _style("text_more_struck", textColor=GREY)
    attachment = _style("attachment", fontSize=8.5, leading=11, leftIndent=10, spaceBefore=2)
    footer = _style("footer", fontSize=FOOTER_FONT_SIZE, leading=8.5, textColor=BLACK)


def render(document: ChronologyDocument) -> bytes:
    """The chronology as PDF bytes."""
    register_fonts()
    return pages.build(
        list(_story(document)),
        title=plain(f"Chronology {document.reference}"),
        marking=plain(document.marking),
        left=plain(f"Chronology: case {document.reference}"),
        right="Redacted copy" if document.redacted else "",
        footer=_footer(document),
    )


def _footer(document: ChronologyDocument) -> Paragraph:
    field = pages.footer_field
    lines = [
        f"Exported by {field(document.exported_by)} on {field(document.exported_at)}",
        f"Guidance edition: {field(document.guidance_edition)}",
        f"Content SHA-256: {document.content_hash()}",
        f"Audit chain head: {field(document.audit_head_hash)}",
    ]
    return Paragraph(para("\n".join(lines)), Styles.footer)


def _story(document: ChronologyDocument) -> Iterator[Flowable]:
    yield Paragraph(para(f"Chronology: case {document.reference}"), Styles.title)
    if document.redacted:
        yield Paragraph("Redacted copy", Styles.redacted)
    for note in document.notes:
        yield Paragraph(para(note), Styles.note)
    yield Spacer(0, 4)
    yield _key_values(
        [
            ("Reference", document.reference),
            ("Kind", document.kind),
            ("Classification", document.classification),
            ("Status", document.status),
            ("Case manager", document.case_manager),
            ("Why this case manager", document.routing_reason),
            ("Subject", document.subject),
            ("Guidance edition", document.guidance_edition),
        ]
    )

    yield Paragraph("LADO", Styles.heading)
    if document.lado:
        yield _key_values(document.lado)
    else:
        yield Paragraph("No LADO details recorded.", Styles.note)

    yield Paragraph("Flags", Styles.heading)
    if document.flags:
        for flag in document.flags:
            yield Paragraph(para(flag), Styles.flag, bulletText="•")
    else:
        yield Paragraph("None.", Styles.note)

    if document.s141f_warning:
        yield Paragraph(para(document.s141f_warning), Styles.warning)

    count = len(document.entries)
    yield CondPageBreak(ENTRY_START + 30)
    yield Paragraph(f"Chronology entries ({count})", Styles.entries_heading)
    if not count:
        yield Paragraph("No entries.", Styles.note)
    for entry in document.entries:
        yield from _entry(entry)

    yield Paragraph("Access log", Styles.heading)
    if document.access_log:
        yield _table(
            ["Who", "Action", "When"],
            [(record.who, record.action, record.when) for record in document.access_log],
            [0.36, 0.38, 0.26],
        )
    else:
        yield Paragraph("No access recorded.", Styles.note)


def _entry(entry: ExportEntry) -> Iterator[Flowable]:
    struck = entry.superseded_by is not None

    def free_text(text: str, *, is_answer: bool = False) -> Iterator[Paragraph]:
        for number, (piece, starts_paragraph) in enumerate(_pieces(text)):
            spaced = starts_paragraph and not (is_answer and number == 0)
            if struck:
                style = Styles.text_struck if spaced else Styles.text_more_struck
                yield Paragraph(f"<strike>{para(piece)}</strike>", style)
            else:
                yield Paragraph(para(piece), Styles.text if spaced else Styles.text_more)

    yield CondPageBreak(ENTRY_START)
    yield Paragraph(para(f"Entry {entry.seq}: {entry.entry_type}"), Styles.entry)
    if entry.superseded_by is not None:
        yield Paragraph(para(f"Superseded by entry {entry.superseded_by}"), Styles.marker)
    if entry.corrects is not None:
        yield Paragraph(para(f"Corrects entry {entry.corrects}. Reason: {entry.correction_reason}"), Styles.marker)
    yield Paragraph(para(f"Happened {entry.occurred}\nRecorded {entry.recorded} by {entry.author}"), Styles.meta)
    for question, answer in entry.rows:
        yield CondPageBreak(QUESTION_START)
        yield Paragraph(para(question), Styles.question)
        yield from free_text(answer, is_answer=True)
    yield from free_text(entry.text)
    if entry.attachments:
        yield Paragraph("Attachments", Styles.question)
        for attachment in entry.attachments:
            yield Paragraph(para(f"{attachment.filename}\nSHA-256: {attachment.sha256}"), Styles.attachment)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Free text as (piece, starts a paragraph): split at blank lines, then every LINES_PER_PARAGRAPH lines."""
    pieces = []
    for chunk in _BLANK_LINES.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        if not chunk.strip():
            continue
        lines = chunk.strip("\n").split("\n")
        for start in range(0, len(lines), LINES_PER_PARAGRAPH):
            pieces.append(("\n".join(lines[start : start + LINES_PER_PARAGRAPH]), start == 0))
    return pieces


def _key_values(pairs: Iterable[tuple[str, str]]) -> Table:
    rows = [[Paragraph(para(label), Styles.label), Paragraph(para(value), Styles.value)] for label, value in pairs]
    table = Table(rows, colWidths=[LABEL_WIDTH, CONTENT_WIDTH - LABEL_WIDTH], splitInRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # else the table sets Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _table(head: list[str], rows: Iterable[tuple[str, ...]], widths: list[float]) -> LongTable:
    data = [[Paragraph(title, Styles.table_head) for title in head]]
    data += [[Paragraph(para(value), Styles.cell) for value in row] for row in rows]
    table = LongTable(data, colWidths=[w * CONTENT_WIDTH for w in widths], repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # else the table sets Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, BLACK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
