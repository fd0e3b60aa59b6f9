"""A subject access pack as an A4 PDF for the data-protection officer's review: every item with its
review notes. Rendered from a plain `SubjectAccessPack`; every user string goes through `text.para`.

Free text is a Paragraph of its own (never a table cell), so an item of any length splits across
pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from casetracker.pdf import pages
from casetracker.pdf.pages import BLACK, FOOTER_FONT_SIZE, GREY
from casetracker.pdf.text import BOLD, REGULAR, para, plain, register_fonts
from casetracker.services.subject_access import SubjectAccessPack

LINES_PER_PARAGRAPH = 40  # long text is laid out in pieces: one huge Paragraph splits slowly


def _style(name: str, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, **{"fontName": REGULAR, "fontSize": 9.5, "leading": 12.5, "textColor": BLACK, **kw})


TITLE = _style("title", fontName=BOLD, fontSize=17, leading=21, spaceAfter=6)
SECTION = _style("section", fontName=BOLD, fontSize=13, leading=16, spaceBefore=14, spaceAfter=6, keepWithNext=1)
ITEM = _style("item", fontName=BOLD, fontSize=10.5, leading=13.5, spaceBefore=10, spaceAfter=3, keepWithNext=1)
QUESTION = _style("question", fontName=BOLD, fontSize=8.5, leading=11, textColor=GREY, spaceBefore=2)
BODY = _style("body")
REVIEW = _style("review", fontSize=8.5, leading=11, leftIndent=10, bulletIndent=0, textColor=BLACK, spaceBefore=2)
INTRO = _style("intro", spaceAfter=4)
FOOTER = _style("footer", fontSize=FOOTER_FONT_SIZE, leading=8.5)


def render(pack: SubjectAccessPack) -> bytes:
    register_fonts()
    title = plain(f"Subject access: {pages.footer_field(pack.person_name)}")
    footer = Paragraph(
        para(
            f"Produced by {pages.footer_field(pack.produced_by)} on {pages.footer_field(pack.produced_at)}\n"
            "For the data-protection officer's review: not for disclosure as it stands."
        ),
        FOOTER,
    )
    return pages.build(
        list(_story(pack)), title=title, marking=plain(pack.marking), left=title, right="", footer=footer
    )


def _pieces(text: str) -> Iterator[str]:
    lines = text.splitlines() or [""]
    for start in range(0, len(lines), LINES_PER_PARAGRAPH):
        yield "\n".join(lines[start : start + LINES_PER_PARAGRAPH])


def _story(pack: SubjectAccessPack) -> Iterator[Flowable]:
    yield Paragraph(para(f"What Casetracker holds about {pack.person_name}"), TITLE)
    yield Paragraph(
        para(
            f"{pack.school_name}. Every item below is marked for review. Third parties' information and the "
            "identities of people who raised concerns may be exempt from disclosure: decide item by item, and "
            "record what is withheld and why."
        ),
        INTRO,
    )
    for section in pack.sections:
        yield Paragraph(para(section.title), SECTION)
        if not section.items:
            yield Paragraph("Nothing is held.", BODY)
        for item in section.items:
            yield Paragraph(para(item.heading), ITEM)
            for label, value in item.rows:
                yield Paragraph(para(label), QUESTION)
                for piece in _pieces(value):
                    yield Paragraph(para(piece), BODY)
            if item.text:
                for piece in _pieces(item.text):
                    yield Paragraph(para(piece), BODY)
            for note in item.review_notes:
                yield Paragraph(para(f"Review: {note}"), REVIEW, bulletText="•")
