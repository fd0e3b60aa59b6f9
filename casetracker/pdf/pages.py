"""What every Casetracker PDF page has: A4, the protective marking at the top and the bottom, a
provenance footer, and "Page x of y" (written once the page count is known, in a second pass)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from casetracker.pdf.text import BOLD, REGULAR, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADER_HEIGHT = 14 * mm  # from the top edge to the top of the frame
FOOTER_FONT_SIZE = 7
FOOTER_FIELD_LIMIT = 200  # characters of one footer field: the footer must leave room for the body

BLACK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#505a5f")
RULE = colors.HexColor("#b1b4b6")


def footer_field(value: str) -> str:
    """A user-supplied footer field, cut short so a hostile value cannot push the body off the page."""
    return value if len(value) <= FOOTER_FIELD_LIMIT else value[: FOOTER_FIELD_LIMIT - 1] + "…"


def fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut short with an ellipsis if it is wider than width."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[: max(len(text) - max(len(text) // 8, 1), 0)]
    return text + "…"


def build(story: Sequence[Flowable], *, title: str, marking: str, left: str, right: str, footer: Paragraph) -> bytes:
    """Lay the story out on A4 pages with the marking, the header notes and the footer on each.

    `title` (PDF metadata), `marking`, `left` and `right` must already be plain text (text.plain).
    """
    register_fonts()
    _, footer_height = footer.wrap(CONTENT_WIDTH, PAGE_HEIGHT)
    bottom = 8 * mm + 5 * mm + footer_height + 4 * mm  # marking line, details, a gap above the rule
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=HEADER_HEIGHT + 4 * mm,
        bottomMargin=bottom,
        title=title,
        author="",
        subject="",
        creator="Casetracker",
        initialFontName=REGULAR,  # not Helvetica: every font in the file is DejaVu Sans
    )
    frame = Frame(
        MARGIN,
        bottom,
        CONTENT_WIDTH,
        PAGE_HEIGHT - bottom - template.topMargin,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )

    def decorate(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_page_furniture(canvas, marking, left, right, footer, footer_height)

    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
    template.build(list(story), canvasmaker=_numbered_canvas())
    return buffer.getvalue()


def _draw_page_furniture(
    canvas: Canvas, marking: str, left: str, right: str, footer: Paragraph, footer_height: float
) -> None:
    """Header and footer of one page; "Page x of y" is added when the page count is known."""
    canvas.saveState()
    top = PAGE_HEIGHT - 9 * mm
    canvas.setFont(BOLD, 9.5)
    canvas.setFillColor(BLACK)
    canvas.drawCentredString(PAGE_WIDTH / 2, top, fit(marking, BOLD, 9.5, CONTENT_WIDTH / 3))
    canvas.setFont(REGULAR, FOOTER_FONT_SIZE)
    canvas.setFillColor(GREY)
    canvas.drawString(MARGIN, top, fit(left, REGULAR, FOOTER_FONT_SIZE, CONTENT_WIDTH / 3 - 4 * mm))
    if right:
        canvas.drawRightString(PAGE_WIDTH - MARGIN, top, fit(right, REGULAR, FOOTER_FONT_SIZE, CONTENT_WIDTH / 3))
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, top - 3 * mm, PAGE_WIDTH - MARGIN, top - 3 * mm)

    details_top = 8 * mm + 5 * mm + footer_height
    canvas.line(MARGIN, details_top + 2 * mm, PAGE_WIDTH - MARGIN, details_top + 2 * mm)
    footer.drawOn(canvas, MARGIN, details_top - footer_height)
    canvas.setFont(BOLD, 9.5)
    canvas.setFillColor(BLACK)
    canvas.drawCentredString(PAGE_WIDTH / 2, 8 * mm, fit(marking, BOLD, 9.5, CONTENT_WIDTH / 3))
    canvas.restoreState()


def _numbered_canvas() -> type[Canvas]:
    """A canvas that holds its pages until the end, then writes "Page x of y" on each (two passes)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                self.setFont(REGULAR, 8)
                self.setFillColor(BLACK)
                self.drawRightString(PAGE_WIDTH - MARGIN, 8 * mm, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas
