"""The chronology PDF: every entry in order, hostile text printed literally, marked and numbered pages.

The PDFs are read back with poppler-utils (pdftotext, pdffonts, pdfimages, pdfinfo), the tools
`make test` installs; pdftotext only returns Ł, Ş or ễ if the glyphs are in an embedded Unicode font.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from casetracker.pdf import text
from casetracker.pdf.chronology import render
from casetracker.pdf.document import AccessRecord, ChronologyDocument, ExportAttachment, ExportEntry

NAMES = "Łucja Ōmar Şule Nguyễn"
AUDIT_HEAD = "4f1c" * 16
S141F = "Section 141F: reporting restrictions apply. Do not publish anything that could identify the teacher."
HOSTILE = {
    "font": "<font size=40>BIG</font>",
    "link": '<a href="https://evil.example">click</a>',
    "image": '<img src="/etc/passwd"/>',
    "stray": "a < b",
    "entity": "&amp; literal",
    "script": "<script>alert('x')</script>",
}
ARABIC = "مرحبا"
LONG_TEXT = ("The account continues, written down at the time, in the pupil's own words. " * 1400)[:100_000]


def marker(seq: int) -> str:
    return f"entry-marker-{seq:04d}"


def make_entries(count: int, changes: dict[int, dict[str, Any]] | None = None) -> tuple[ExportEntry, ...]:
    """count fictional entries, each with a unique marker in its text; changes are by seq."""
    entries = []
    for seq in range(1, count + 1):
        entry = ExportEntry(
            seq=seq,
            entry_type="LADO consultation" if seq % 5 == 0 else "Meeting note",
            occurred=f"{seq % 28 + 1} March 2026 at 3:05pm",
            recorded=f"{seq % 28 + 1} March 2026 at 4:10pm",
            author="Helen Marsh",
            rows=(("Who was present?", "The headteacher and the designated safeguarding lead."),),
            text=f"{marker(seq)} A fictional note of a meeting about the concern.",
            attachments=(ExportAttachment(f"note-{seq}.pdf", f"{seq:064x}"),) if seq % 7 == 0 else (),
        )
        entries.append(dataclasses.replace(entry, **(changes or {}).get(seq, {})))
    return tuple(entries)


def make_document(entries: tuple[ExportEntry, ...], **changes: Any) -> ChronologyDocument:
    document = ChronologyDocument(
        reference="OAK-2026-0042",
        kind="Allegation against a member of staff",
        classification="Harm threshold",
        status="Open",
        case_manager="Headteacher: Helen Marsh",
        routing_reason="The allegation is about a member of staff, so the headteacher manages it.",
        subject="A member of teaching staff",
        lado=(("Name", "Sam Okafor"), ("Authority", "Fictional County Council")),
        flags=("Legal hold",),
        s141f_warning="",
        guidance_edition="Keeping children safe in education 2025",
        entries=entries,
        access_log=(
            AccessRecord("Helen Marsh", "Viewed the case", "2 March 2026 at 9:00am"),
            AccessRecord("Helen Marsh", "Exported the chronology", "3 March 2026 at 9:00am"),
        ),
        exported_by="Helen Marsh",
        exported_at="3 March 2026 at 9:00am",
        audit_head_hash=AUDIT_HEAD,
    )
    return dataclasses.replace(document, **changes)


def run(*command: str, pdf: bytes) -> str:
    """A poppler-utils command reading the PDF from stdin ("-")."""
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text in drawing order, whitespace (including line wrapping) collapsed to one space."""
    raw = run("pdftotext", "-raw", "-enc", "UTF-8", "-", "-", pdf=pdf)
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def pdf_info(pdf: bytes, field: str) -> str:
    match = re.search(rf"^{field}:[ \t]*(.*)$", run("pdfinfo", "-", pdf=pdf), re.M)
    assert match
    return match.group(1)


@pytest.fixture(scope="module")
def chronology() -> tuple[ChronologyDocument, bytes]:
    """60 entries; entry 10 was corrected by entry 11."""
    entries = make_entries(
        60,
        {
            10: {"superseded_by": 11},
            11: {"entry_type": "Correction", "corrects": 10, "correction_reason": "The date was wrong."},
        },
    )
    document = make_document(entries, s141f_warning=S141F)
    return document, render(document)


@pytest.fixture(scope="module")
def hostile() -> tuple[ChronologyDocument, bytes]:
    entries = make_entries(
        8,
        {
            1: {"text": "\n".join(HOSTILE.values())},
            2: {
                "author": HOSTILE["link"],
                "rows": ((HOSTILE["font"], HOSTILE["image"]),),
                "text": f"Arabic {ARABIC} ends. Override: invoice\u202efdp.exe ends. Family 👩\u200d👩\u200d👧 ends.",
            },
            3: {"text": f"{marker(3)} {LONG_TEXT} END-OF-LONG-TEXT"},
            4: {"author": NAMES},
        },
    )
    document = make_document(
        entries, subject=HOSTILE["image"], flags=(HOSTILE["font"],), exported_by=f"{NAMES} {HOSTILE['stray']}"
    )
    return document, render(document)


def test_every_entry_appears_once_in_order(chronology: tuple[ChronologyDocument, bytes]) -> None:
    document, pdf = chronology
    text_all = " ".join(pages_text(pdf))
    positions = [text_all.find(marker(entry.seq)) for entry in document.entries]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert all(text_all.count(marker(entry.seq)) == 1 for entry in document.entries)
    assert text_all.count("Happened ") == len(document.entries)


def test_a_superseded_entry_is_marked_and_its_correction_says_why(chronology: tuple[ChronologyDocument, bytes]) -> None:
    _, pdf = chronology
    text_all = " ".join(pages_text(pdf))
    entry_10, entry_11 = text_all.index("Entry 10: LADO consultation"), text_all.index("Entry 11: Correction")
    assert entry_10 < text_all.index("Superseded by entry 11") < text_all.index(marker(10)) < entry_11
    assert entry_11 < text_all.index("Corrects entry 10. Reason: The date was wrong.") < text_all.index(marker(11))
    assert text_all.count("Superseded by entry") == 1
    assert text_all.count("Corrects entry") == 1


def test_the_entry_details_are_all_printed(chronology: tuple[ChronologyDocument, bytes]) -> None:
    document, pdf = chronology
    text_all = " ".join(pages_text(pdf))
    seventh = document.entries[6]
    start, end = text_all.index("Entry 7: "), text_all.index("Entry 8: ")
    shown = text_all[start:end]
    assert f"Happened {seventh.occurred}" in shown
    assert f"Recorded {seventh.recorded} by {seventh.author}" in shown
    assert "Who was present? The headteacher and the designated safeguarding lead." in shown
    assert f"note-7.pdf SHA-256: {seventh.attachments[0].sha256}" in shown
    for label, value in [
        ("Reference", document.reference),
        ("Kind", document.kind),
        ("Classification", document.classification),
        ("Status", document.status),
        ("Case manager", document.case_manager),
        ("Why this case manager", document.routing_reason),
        ("Subject", document.subject),
        ("Guidance edition", document.guidance_edition),
        ("Authority", "Fictional County Council"),
    ]:
        assert f"{label} {value}" in text_all
    assert "Legal hold" in text_all
    log = text_all[text_all.index("Access log") :]
    assert "Helen Marsh Exported the chronology 3 March 2026 at 9:00am" in log


def test_every_page_is_marked_numbered_and_carries_the_hashes(chronology: tuple[ChronologyDocument, bytes]) -> None:
    document, pdf = chronology
    pages = pages_text(pdf)
    total = int(pdf_info(pdf, "Pages"))
    assert total == len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") == 2, number  # header and footer
        assert f"Page {number} of {total}" in page
        assert len(re.findall(r"Page \d+ of \d+", page)) == 1
        assert f"Content SHA-256: {document.content_hash()}" in page
        assert f"Audit chain head: {AUDIT_HEAD}" in page
        assert "Exported by Helen Marsh on 3 March 2026 at 9:00am" in page
        assert "Guidance edition: Keeping children safe in education 2025" in page


def test_metadata_names_the_case_and_no_author(chronology: tuple[ChronologyDocument, bytes]) -> None:
    _, pdf = chronology
    assert pdf_info(pdf, "Title") == "Chronology OAK-2026-0042"
    assert pdf_info(pdf, "Author") == ""


def test_the_s141f_warning_and_redaction_show_only_when_they_apply(
    chronology: tuple[ChronologyDocument, bytes],
) -> None:
    document, pdf = chronology
    first = pages_text(pdf)[0]
    assert S141F in first
    assert "Redacted copy" not in first

    redacted = dataclasses.replace(
        document, entries=document.entries[:3], s141f_warning="", redacted=True, notes=("Contact details left out.",)
    )
    first = pages_text(render(redacted))[0]
    assert "Section 141F" not in first
    assert first.count("Redacted copy") == 2  # the page header and under the title
    assert "Chronology: case OAK-2026-0042 Redacted copy Contact details left out." in first


def test_hostile_markup_is_printed_literally(hostile: tuple[ChronologyDocument, bytes]) -> None:
    _, pdf = hostile
    text_all = " ".join(pages_text(pdf))
    for value in HOSTILE.values():
        assert value in text_all
    assert f"Subject {HOSTILE['image']}" in text_all
    assert f"Recorded 3 March 2026 at 4:10pm by {HOSTILE['link']}" in text_all
    assert f"{HOSTILE['font']} {HOSTILE['image']}" in text_all  # a question and its answer
    assert f"Exported by {NAMES} {HOSTILE['stray']} on" in text_all


def test_no_links_annotations_or_images(hostile: tuple[ChronologyDocument, bytes]) -> None:
    _, pdf = hostile
    # reportlab writes page and object dictionaries uncompressed, so their keys can be searched directly.
    for key in (b"/Annots", b"/Annot ", b"/Link", b"/URI", b"/XObject", b"/Subtype /Image", b"/OpenAction", b"/JS"):
        assert key not in pdf
    assert len(run("pdfimages", "-list", "-", pdf=pdf).strip().splitlines()) == 2  # the column headings only


def test_right_to_left_text_and_overrides_are_shown_not_obeyed(hostile: tuple[ChronologyDocument, bytes]) -> None:
    _, pdf = hostile
    text_all = " ".join(pages_text(pdf))
    # reportlab draws the letters in logical order, unshaped (no rlbidi/harfbuzz); pdftotext treats an
    # Arabic run as visual order and reverses it, so either order means every letter arrived.
    assert ARABIC in text_all or ARABIC[::-1] in text_all
    assert "invoice[U+202E RIGHT-TO-LEFT OVERRIDE]fdp.exe ends." in text_all
    assert "\u202e" not in text_all


def test_characters_without_a_glyph_are_shown_as_code_points(hostile: tuple[ChronologyDocument, bytes]) -> None:
    _, pdf = hostile
    text_all = " ".join(pages_text(pdf))
    assert "Family [U+1F469 WOMAN]\u200d[U+1F469 WOMAN]\u200d[U+1F467 GIRL] ends." in text_all


def test_a_100_kb_entry_splits_across_pages(hostile: tuple[ChronologyDocument, bytes]) -> None:
    _, pdf = hostile
    pages = pages_text(pdf)
    assert int(pdf_info(pdf, "Pages")) > 10
    text_all = " ".join(pages)
    assert text_all.index(marker(3)) < text_all.index("END-OF-LONG-TEXT") < text_all.index(marker(4))
    # Count a word: a page break puts the next page's header between two words of a phrase.
    assert text_all.count("continues,") == LONG_TEXT.count("continues,")


def test_names_print_in_embedded_dejavu_sans(hostile: tuple[ChronologyDocument, bytes]) -> None:
    document, pdf = hostile
    decomposed = dataclasses.replace(document, entries=document.entries[:2], subject="Nguye\u0302\u0303n Thị")
    for each in (pdf, render(decomposed)):
        fonts = run("pdffonts", "-", pdf=each).splitlines()[2:]
        assert fonts
        for line in fonts:
            name, *_, emb, _sub, uni, _obj, _gen = line.split()
            assert name.split("+")[-1] in {"DejaVuSans", "DejaVuSans-Bold"}
            assert (emb, uni) == ("yes", "yes")
    assert NAMES in " ".join(pages_text(pdf))
    assert "Subject Nguyễn Thị" in " ".join(pages_text(render(decomposed)))


def test_long_footer_fields_are_cut_short_and_every_page_still_has_its_footer() -> None:
    document = make_document(make_entries(30), exported_by="Helen Marsh " * 500)
    for page in pages_text(render(document)):
        assert page.count("OFFICIAL-SENSITIVE") == 2
        assert f"Content SHA-256: {document.content_hash()}" in page
        exported_by = page[page.index("Exported by ") : page.index(" on 3 March 2026")]
        assert exported_by.endswith("…")
        assert len(exported_by) < 250


def test_an_empty_chronology_renders() -> None:
    pdf = render(make_document((), lado=(), flags=(), access_log=()))
    (page,) = pages_text(pdf)
    assert "Chronology entries (0) No entries." in page
    assert "Page 1 of 1" in page


def test_a_page_is_rendered_for_a_person_to_look_at(
    chronology: tuple[ChronologyDocument, bytes], tmp_path: Path
) -> None:
    _, pdf = chronology
    out = Path(os.environ.get("CASETRACKER_ARTIFACTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    (tmp_path / "chronology.pdf").write_bytes(pdf)
    prefix = out / "chronology-page"
    subprocess.run(
        ["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", tmp_path / "chronology.pdf", prefix], check=True
    )
    (png,) = out.glob("chronology-page*.png")
    assert png.stat().st_size > 0


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ('<a href="x">', "&lt;a href=&quot;x&quot;&gt;"),
        ("it's & co", "it&#39;s &amp; co"),
        ("&amp;", "&amp;amp;"),
        ("one\ntwo\r\nthree\rfour", "one<br/>two<br/>three<br/>four"),
        ("tab\there", "tab here"),
        ("nul\x00bell\x07", "nul[U+0000]bell[U+0007]"),
        ("lone \ud800 surrogate", "lone [U+D800] surrogate"),
        ("C1 \x9b control", "C1 [U+009B] control"),
        ("\u2066isolate\u2069", "[U+2066 LEFT-TO-RIGHT ISOLATE]isolate[U+2069 POP DIRECTIONAL ISOLATE]"),
        ("🔪", "[U+1F52A HOCHO]"),
        ("Nguye\u0302\u0303n", "Nguyễn"),
        (NAMES, NAMES),
    ],
)
def test_para_escapes_and_keeps_text_printable(raw: str, escaped: str) -> None:
    assert text.para(raw) == escaped


def test_a_missing_font_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(text.pdfmetrics, "getRegisteredFontNames", lambda: [])
    monkeypatch.setattr(text, "FONT_FILES", {text.REGULAR: tmp_path / "DejaVuSans.ttf"})
    with pytest.raises(text.FontMissingError, match="fonts-dejavu-core"):
        text.register_fonts()
