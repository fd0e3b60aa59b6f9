"""What the chronology PDF costs over a bare reportlab table of the same 1,000 entries.

Run: .venv/bin/python bench/pdf_export.py  (prints one ratio; goal <= 1.5)
The export adds the header and footer on every page, a two-pass "Page x of y", the case details,
each entry's questions and answers and the access log; the baseline is a plain LongTable of
seq, type, occurred, author and text in Paragraphs of the same font. Both run in one process,
interleaved, best of 3 each.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

from casetracker.pdf.chronology import render
from casetracker.pdf.document import AccessRecord, ChronologyDocument, ExportAttachment, ExportEntry
from casetracker.pdf.text import REGULAR, para, register_fonts

ENTRIES = 1000
ROUNDS = 3
GOAL = 1.5

TYPES = ("Meeting note", "Phone call", "LADO consultation", "Email received", "Decision", "Strategy discussion")
PEOPLE = ("Helen Marsh", "Łucja Nowak", "Şule Yılmaz", "Tomás Ó Briain", "Nguyễn Thị Lan")
SENTENCES = (
    "The headteacher met the designated safeguarding lead to discuss the concern raised on Monday.",
    "The pupil's account was written down at the time, in the pupil's own words, and signed and dated.",
    "The LADO advised that the threshold for a strategy discussion had not yet been met.",
    "Both parents were told of the concern by telephone and a follow-up letter was sent the same day.",
    "The member of staff was reminded of the staff code of conduct and the expectation of confidentiality.",
    "No further action was agreed at this stage; the case manager will review the position next week.",
)
QUESTIONS = (
    ("Who was present?", "The headteacher, the designated safeguarding lead and a note-taker."),
    ("What was decided?", "To consult the LADO within one working day and to keep the staff member informed."),
    ("Was the child safe?", "Yes: the child went home with a parent, who was told what had happened."),
    ("Next steps", "Review the decision at the next case meeting; record the LADO's advice in full."),
)


def build_document(count: int = ENTRIES) -> ChronologyDocument:
    """A fictional case with count chronology entries, each with a few questions and answers."""
    entries = []
    for seq in range(1, count + 1):
        text = " ".join(SENTENCES[(seq + k) % len(SENTENCES)] for k in range(3))
        entries.append(
            ExportEntry(
                seq=seq,
                entry_type=TYPES[seq % len(TYPES)],
                occurred=f"{seq % 28 + 1} March 2026 at {seq % 12 + 1}:{seq % 60:02d}pm",
                recorded=f"{seq % 28 + 1} March 2026 at {seq % 12 + 1}:{(seq + 7) % 60:02d}pm",
                author=PEOPLE[seq % len(PEOPLE)],
                rows=tuple(QUESTIONS[(seq + k) % len(QUESTIONS)] for k in range(1 + seq % 3)),
                text=text,
                attachments=(ExportAttachment(f"note-{seq}.pdf", f"{seq:064x}"),) if seq % 10 == 0 else (),
            )
        )
    return ChronologyDocument(
        reference="OAK-2026-0042",
        kind="Allegation against a member of staff",
        classification="Harm threshold",
        status="Open",
        case_manager="Headteacher: Helen Marsh",
        routing_reason="The allegation is about a member of staff, so the headteacher manages it.",
        subject="A member of teaching staff",
        lado=(("Name", "Sam Okafor"), ("Authority", "Fictional County Council"), ("Decision", "Strategy discussion")),
        flags=("Legal hold",),
        s141f_warning="Section 141F of the Education Act 2002: publish nothing that could identify the teacher.",
        guidance_edition="Keeping children safe in education 2025",
        entries=tuple(entries),
        access_log=tuple(
            AccessRecord(PEOPLE[k % len(PEOPLE)], "Viewed the case", f"{k % 28 + 1} March 2026") for k in range(50)
        ),
        exported_by="Helen Marsh",
        exported_at="1 April 2026 at 9:00am",
        audit_head_hash="9" * 64,
    )


def bare_table(document: ChronologyDocument) -> bytes:
    """The baseline: the same rows in one plain LongTable, no furniture."""
    register_fonts()
    style = ParagraphStyle("cell", fontName=REGULAR, fontSize=8.5, leading=11)
    rows = [
        [Paragraph(para(value), style) for value in ("Seq", "Type", "Occurred", "Author", "Text")],
        *(
            [Paragraph(para(value), style) for value in (str(e.seq), e.entry_type, e.occurred, e.author, e.text)]
            for e in document.entries
        ),
    ]
    table = LongTable(rows, colWidths=[12 * mm, 28 * mm, 30 * mm, 28 * mm, 76 * mm], repeatRows=1)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), REGULAR)]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, initialFontName=REGULAR).build([table])
    return buffer.getvalue()


def timed(function, document: ChronologyDocument) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    pdf = function(document)
    return time.perf_counter() - start, pdf.count(b"/Type /Page\n")


def main() -> None:
    document = build_document()
    register_fonts()
    timings: dict[str, list[float]] = {"export": [], "bare": []}
    pages: dict[str, int] = {}
    for _ in range(ROUNDS):
        for name, function in (("export", render), ("bare", bare_table)):
            seconds, pages[name] = timed(function, document)
            timings[name].append(seconds)
    export, bare = min(timings["export"]), min(timings["bare"])
    ratio = export / bare
    print(f"chronology PDF, {ENTRIES} entries, best of {ROUNDS}:")
    print(f"  export render() {export:.2f} s ({pages['export']} pages)")
    print(f"  bare LongTable  {bare:.2f} s ({pages['bare']} pages)")
    print(f"  ratio export / bare = {ratio:.2f}x   goal <= {GOAL}x   {'MET' if ratio <= GOAL else 'MISSED'}")


if __name__ == "__main__":
    main()
