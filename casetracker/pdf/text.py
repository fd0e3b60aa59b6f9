"""The one way user text reaches reportlab: escaped for Paragraph markup, in a font that has its glyphs.

reportlab's Paragraph reads its text as markup: raw user text could set fonts and colours, make
clickable links, embed image files from the server's disk, or crash the export on a stray `<`.
Every string a chronology PDF shows goes through `para()` (Paragraph) or `plain()` (canvas).

A character the PDF cannot show (a control character, an emoji DejaVu Sans has no glyph for, a
bidirectional override) is printed as its code point, e.g. `[U+1F52A HOCHO]`, rather than
vanishing: the PDF is an evidential record, and an emoji or a hidden override can matter.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FONT_FILES = {REGULAR: FONT_DIR / "DejaVuSans.ttf", BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}

# Quotes too, so an escaped string is also safe inside a markup attribute.
_ENTITIES = {'"': "&quot;", "'": "&#39;"}
# Embeddings, overrides and isolates reorder the text around them when it is copied out of the PDF
# (reportlab itself draws in logical order): shown, never obeyed.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))

_lock = threading.Lock()


class FontMissingError(RuntimeError):
    """A DejaVu font file is not installed; without it names such as Łucja or Şule print as boxes."""


def register_fonts() -> None:
    """Register DejaVu Sans, regular and bold, as one family (so `<b>` works), once per process."""
    with _lock:
        registered = pdfmetrics.getRegisteredFontNames()
        if REGULAR in registered and BOLD in registered:
            return
        for name, path in FONT_FILES.items():
            if not path.is_file():
                raise FontMissingError(
                    f"{path} is missing: install the Debian package fonts-dejavu-core "
                    "(scripts/install-system-packages does, as part of `make test`)."
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


@functools.cache
def _unprintable() -> re.Pattern[str]:
    """Any character other than a newline that is not in both fonts (or is a bidi control)."""
    register_fonts()
    covered = set.intersection(*(set(pdfmetrics.getFont(name).face.charToGlyph) for name in FONT_FILES))
    printable = sorted(c for c in covered if c > 0x1F and c != 0x7F and chr(c) not in _BIDI_CONTROLS)
    ranges: list[tuple[int, int]] = []
    for code in printable:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    allowed = "".join(
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges
    )
    return re.compile(f"[^\\n{allowed}]")


def _code_point(match: re.Match[str]) -> str:
    char = match.group()
    name = unicodedata.name(char, "")
    return f"[U+{ord(char):04X} {name}]" if name else f"[U+{ord(char):04X}]"


def plain(text: str) -> str:
    """User text for canvas drawString (which reads no markup): printable characters only.

    Line endings become `\\n` and tabs spaces; the text is NFC-normalised so a name typed with
    combining accents uses the font's composed glyph; anything left unprintable is shown as its
    code point.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    return _unprintable().sub(_code_point, text)


def para(text: str) -> str:
    """User text made safe for a reportlab Paragraph: printable, markup escaped, newlines as `<br/>`."""
    return escape(plain(text), _ENTITIES).replace("\n", "<br/>")
