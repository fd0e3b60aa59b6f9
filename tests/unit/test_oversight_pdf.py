"""The oversight PDF: the web page's sections in order, hidden figures as words, marked and numbered pages.

The report is built by hand from fictional counts, protected by the real suppression rules, and the
PDF is read back with poppler-utils (pdftotext, pdfinfo, pdffonts, pdfimages) and pypdf.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader

from casetracker.domain.oversight import Cell, Hidden, suppress_table
from casetracker.pdf.oversight import TEXT_ALTERNATIVE, render
from casetracker.pdf.oversight_document import Figure, Grid, OversightReport

TERMS = ("Autumn term", "Spring term", "Summer term")
KINDS = ("Allegation that may meet the harm threshold", "Low-level concern", "Self-referral", "Whistleblowing concern")
OUTCOMES = (
    "Still open",
    "Substantiated",
    "Malicious",
    "False",
    "Unsubstantiated",
    "Unfounded",
    "Closed (no outcome needed)",
)
SECTIONS = (
    "Reports by term and kind",
    "Reports by kind and outcome",
    "Consulting the LADO",
    "Time to closure",
    "Pattern reviews and referrals",
)
SCHOOL = "Oak & Ash Academy"
# The term-by-kind counts: the only 2 is Autumn's allegations, and no figure shown in the table is 2.
TERM_BY_KIND = {
    "Autumn term": {KINDS[0]: 2, KINDS[1]: 7, KINDS[2]: 5, KINDS[3]: 9},
    "Spring term": {KINDS[0]: 4, KINDS[1]: 6, KINDS[2]: 1, KINDS[3]: 8},
    "Summer term": {KINDS[0]: 5, KINDS[1]: 11, KINDS[2]: 3, KINDS[3]: 7},
}
WITHHELD_CAPTION = "Consulting the LADO: on time or late, by term"


def grid(caption: str, counts: Mapping[str, Mapping[str, int]], rows: Sequence[str], columns: Sequence[str]) -> Grid:
    """A protected grid made by the real suppression rules."""
    table = suppress_table(counts, rows, columns)
    assert table.grand_total is not None
    return Grid(
        caption=caption,
        row_labels=table.row_labels,
        column_labels=table.column_labels,
        rows=tuple(table.row(label) for label in table.row_labels),
        row_totals=tuple(table.row_totals[label] for label in table.row_labels),
        column_totals=tuple(table.column_totals[label] for label in table.column_labels),
        grand_total=table.grand_total,
        withheld=table.withheld,
    )


def withheld_grid(caption: str, rows: Sequence[str], columns: Sequence[str]) -> Grid:
    hidden = Cell(None, Hidden.WITHHELD)
    return Grid(
        caption=caption,
        row_labels=tuple(rows),
        column_labels=tuple(columns),
        rows=tuple(tuple(hidden for _ in columns) for _ in rows),
        row_totals=tuple(hidden for _ in rows),
        column_totals=tuple(hidden for _ in columns),
        grand_total=hidden,
        withheld=True,
    )


def outcome_counts(seed: int) -> dict[str, dict[str, int]]:
    return {kind: {o: (seed * (k + 3) + j * 5) % 9 for j, o in enumerate(OUTCOMES)} for k, kind in enumerate(KINDS)}


def make_report() -> OversightReport:
    buckets = ("Within 1 day", "1 to 3 days", "More than 3 days")
    return OversightReport(
        school_name=SCHOOL,
        year_label="2025 to 2026",
        terms=TERMS,
        kind_by_outcome_year=grid("Reports by kind and outcome, whole year", outcome_counts(4), KINDS, OUTCOMES),
        kind_by_outcome_terms=tuple(
            grid(f"Reports by kind and outcome, {term}", outcome_counts(n), KINDS, OUTCOMES)
            for n, term in enumerate(TERMS, start=1)
        ),
        term_by_kind=grid("Reports by term and kind", TERM_BY_KIND, TERMS, KINDS),
        lado_by_term=withheld_grid(WITHHELD_CAPTION, TERMS, ("On time", "Late", "Not yet due")),
        lado_time_by_term=grid(
            "Time from receipt to LADO consultation, by term",
            {
                "Autumn term": {buckets[0]: 6, buckets[1]: 1, buckets[2]: 4},
                "Spring term": {buckets[0]: 9, buckets[1]: 3, buckets[2]: 0},
                "Summer term": {buckets[0]: 5, buckets[1]: 4, buckets[2]: 3},
            },
            TERMS,
            buckets,
        ),
        lado_median_hours=(
            Figure("Autumn term", "14.5"),
            Figure("Spring term", "fewer than 3 cases"),
            Figure("Summer term", "20"),
            Figure("Whole year", "17"),
        ),
        closure_median_days=(
            Figure("Autumn term", "31"),
            Figure("Spring term", "fewer than 3 cases"),
            Figure("Summer term", "44"),
            Figure("Whole year", "38.5"),
        ),
        activity_by_term=grid(
            "Pattern reviews and referrals, by term",
            {
                "Autumn term": {"Pattern reviews": 4, "Referrals to the DBS": 1, "Referrals to the TRA": 0},
                "Spring term": {"Pattern reviews": 6, "Referrals to the DBS": 0, "Referrals to the TRA": 1},
                "Summer term": {"Pattern reviews": 5, "Referrals to the DBS": 3, "Referrals to the TRA": 3},
            },
            TERMS,
            ("Pattern reviews", "Referrals to the DBS", "Referrals to the TRA"),
        ),
        generated_at="3 March 2026",
    )


def run(*command: str, pdf: bytes) -> str:
    """A poppler-utils command reading the PDF from stdin ("-")."""
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text in drawing order, whitespace (including line wrapping) collapsed to one space."""
    raw = run("pdftotext", "-raw", "-enc", "UTF-8", "-", "-", pdf=pdf)
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def without_furniture(page: str) -> str:
    """A page's text without its header and footer, so that a table split across pages reads on."""
    page = page.replace("OFFICIAL-SENSITIVE", " ")
    page = re.sub(r"Page \d+ of \d+", " ", page)
    page = page.replace(f"{SCHOOL} Generated 3 March 2026", " ").replace("Oversight report 2025 to 2026", " ", 1)
    return " ".join(page.split())


@pytest.fixture(scope="module")
def report() -> OversightReport:
    return make_report()


@pytest.fixture(scope="module")
def pdf(report: OversightReport) -> bytes:
    return render(report)


@pytest.fixture(scope="module")
def text_all(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def test_the_fixture_has_hidden_figures_and_a_withheld_table(report: OversightReport) -> None:
    autumn = report.term_by_kind.rows[0]
    assert autumn[0] == Cell(None, Hidden.SMALL)  # the 2
    assert any(cell.hidden is Hidden.PROTECTS for row in report.term_by_kind.rows for cell in row)
    shown = [cell.value for row in report.term_by_kind.rows for cell in row if cell.value is not None]
    assert 2 not in shown
    assert report.lado_by_term.withheld


def test_title_intro_notes_and_sections_appear_in_the_page_order(report: OversightReport, pdf: bytes) -> None:
    text = " ".join(without_furniture(page) for page in pages_text(pdf))
    assert text.startswith(f"{SCHOOL} Oversight report 2025 to 2026 Anonymised figures for the governing board")
    expected = [
        SCHOOL,
        "Oversight report 2025 to 2026",
        'numbers below 3 are shown as "fewer than 3", and some other numbers are "not shown"',
        *report.notes,
        *SECTIONS,
    ]
    positions = [text.find(piece) for piece in expected]
    assert -1 not in positions, dict(zip(expected, positions, strict=True))
    assert positions == sorted(positions)
    # Within "Reports by kind and outcome", the year's table comes first, then each term's.
    captions = ["Reports by kind and outcome, whole year", *(f"Reports by kind and outcome, {t}" for t in TERMS)]
    caption_positions = [text.find(c) for c in captions]
    assert -1 not in caption_positions
    assert caption_positions == sorted(caption_positions)
    lado = text.index("Consulting the LADO")
    assert lado < text.index("Time from receipt to LADO consultation, by term") < text.index(WITHHELD_CAPTION)
    assert text.index(WITHHELD_CAPTION) < text.index("Median time from receipt to LADO consultation, in hours")
    assert text.index("Time to closure") < text.index("Median time from receipt to closure, in days")


def test_each_chart_is_followed_by_its_text_alternative_and_then_its_table(text_all: str) -> None:
    assert text_all.count(TEXT_ALTERNATIVE) == 2  # the term-by-kind and LADO-time charts
    for caption in ("Reports by term and kind", "Time from receipt to LADO consultation, by term"):
        chart = text_all.index(f"Chart: {caption}")
        alternative = text_all.index(TEXT_ALTERNATIVE, chart)
        table = text_all.index(caption, chart + len("Chart: ") + len(caption))
        assert chart < alternative < table
    # The chart's key names the columns.
    assert "Within 1 day" in text_all[: text_all.index(TEXT_ALTERNATIVE, text_all.index("Chart: Time"))]


def test_a_hidden_figure_is_printed_as_words_never_as_its_number(report: OversightReport, pdf: bytes) -> None:
    text = " ".join(without_furniture(page) for page in pages_text(pdf))
    start = text.index(TEXT_ALTERNATIVE)
    table = text[start : text.index("Reports by kind and outcome", start)]
    autumn = table[table.index("Autumn term") : table.index("Spring term")].strip()
    words = [cell.text for cell in report.term_by_kind.rows[0]] + [report.term_by_kind.row_totals[0].text]
    assert autumn == " ".join(["Autumn term", *words])
    assert autumn.startswith("Autumn term fewer than 3 ")
    assert "2" not in autumn.split()
    assert "fewer than 3" in table and "not shown" in table
    assert "Total" in table


def test_hidden_figures_have_no_bar_but_their_words(report: OversightReport, pdf: bytes) -> None:
    text = " ".join(without_furniture(page) for page in pages_text(pdf))
    chart = text[text.index("Chart: Reports by term and kind") : text.index(TEXT_ALTERNATIVE)]
    rows = report.term_by_kind.rows
    shown = sorted(str(c.value) for row in rows for c in row if c.value is not None)
    hidden = [c.text for row in rows for c in row if c.value is None]
    numbers = sorted(re.findall(r"(?<![\w-])\d+(?![\w-])", chart.replace("fewer than 3", "")))
    assert numbers == shown  # a label per shown bar, and no other number
    assert chart.count("fewer than 3") == hidden.count("fewer than 3")
    assert chart.count("not shown") == hidden.count("not shown")


def test_a_withheld_table_prints_one_sentence(text_all: str) -> None:
    sentence = (
        f"{WITHHELD_CAPTION}: this table is not shown because the numbers are too small to show "
        "without identifying anyone."
    )
    assert text_all.count(sentence) == 1
    after = text_all[text_all.index(sentence) + len(sentence) :]
    assert after.lstrip().startswith("Median time from receipt to LADO consultation, in hours")


def test_a_withheld_charted_grid_has_no_chart(report: OversightReport) -> None:
    withheld = withheld_grid("Reports by term and kind", TERMS, KINDS)
    text = " ".join(pages_text(render(dataclasses.replace(report, term_by_kind=withheld))))
    assert "Chart: Reports by term and kind" not in text
    assert text.count(TEXT_ALTERNATIVE) == 1
    assert "Reports by term and kind: this table is not shown because the numbers are too small" in text


def test_the_medians_are_printed(text_all: str) -> None:
    lado = text_all[text_all.index("Median time from receipt to LADO consultation, in hours") :]
    assert lado.startswith(
        "Median time from receipt to LADO consultation, in hours Autumn term 14.5 "
        "Spring term fewer than 3 cases Summer term 20 Whole year 17"
    )
    assert "Median time from receipt to closure, in days Autumn term 31 Spring term fewer than 3 cases" in text_all


def test_every_page_is_marked_numbered_and_has_the_footer(pdf: bytes) -> None:
    pages = pages_text(pdf)
    total = len(PdfReader(io.BytesIO(pdf)).pages)
    assert total == len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") == 2, number  # header and footer
        assert f"Page {number} of {total}" in page
        assert len(re.findall(r"Page \d+ of \d+", page)) == 1
        assert f"{SCHOOL} Generated 3 March 2026" in page


def test_metadata_names_the_report_and_no_author(pdf: bytes) -> None:
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Oversight report 2025 to 2026"
    assert not metadata.author


def test_no_links_annotations_or_images(pdf: bytes) -> None:
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert "/Annots" not in page
        resources = page.get("/Resources")
        assert resources is None or "/XObject" not in resources.get_object()
    for key in (b"/Annots", b"/Link", b"/URI", b"/XObject", b"/Subtype /Image", b"/OpenAction", b"/JS"):
        assert key not in pdf
    assert len(run("pdfimages", "-list", "-", pdf=pdf).strip().splitlines()) == 2  # the column headings only


def test_every_font_is_embedded_dejavu_sans(pdf: bytes) -> None:
    fonts = run("pdffonts", "-", pdf=pdf).splitlines()[2:]
    assert fonts
    for line in fonts:
        name, *_, emb, _sub, uni, _obj, _gen = line.split()
        assert name.split("+")[-1] in {"DejaVuSans", "DejaVuSans-Bold"}
        assert (emb, uni) == ("yes", "yes")


def test_markup_in_names_is_printed_literally(report: OversightReport) -> None:
    hostile = '<font size=40>Big</font> <a href="https://evil.example">School</a>'
    pdf = render(dataclasses.replace(report, school_name=hostile))
    text = " ".join(pages_text(pdf))
    assert hostile in text
    assert b"/URI" not in pdf and b"/Annots" not in pdf


def test_a_page_is_rendered_for_a_person_to_look_at(pdf: bytes, tmp_path: Path) -> None:
    out = Path(os.environ.get("CASETRACKER_ARTIFACTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    (tmp_path / "oversight.pdf").write_bytes(pdf)
    prefix = out / "oversight-report"
    for old in out.glob("oversight-report*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", tmp_path / "oversight.pdf", prefix], check=True
    )
    (png,) = out.glob("oversight-report*.png")
    assert png.stat().st_size > 0
