"""The plain data a chronology export is rendered from: no models, no database, no Flask.

The service (services/chronology_export.py) fills it in, as the exporter may see the case; the
renderer (pdf/chronology.py) turns it into pages. Every string here is user text or comes from
user text: the renderer escapes all of it through one helper.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class ExportAttachment:
    filename: str
    sha256: str


@dataclass(frozen=True)
class ExportEntry:
    seq: int
    entry_type: str  # the label, e.g. "LADO consultation"
    occurred: str  # already formatted, GOV.UK style, Europe/London: "2 April 2026 at 3:05pm"
    recorded: str
    author: str
    # (question, answer) pairs, then the free text.
    rows: tuple[tuple[str, str], ...] = ()
    text: str = ""
    attachments: tuple[ExportAttachment, ...] = ()
    superseded_by: int | None = None  # the seq of the correction, when this entry was corrected
    corrects: int | None = None  # the seq this entry corrects
    correction_reason: str = ""


@dataclass(frozen=True)
class AccessRecord:
    who: str
    action: str  # "Viewed the case", "Exported the chronology", ...
    when: str


@dataclass(frozen=True)
class ChronologyDocument:
    reference: str
    kind: str
    classification: str
    status: str
    case_manager: str  # office and holder, e.g. "Headteacher: Helen Marsh"
    routing_reason: str
    subject: str  # as the exporter may see it
    lado: tuple[tuple[str, str], ...]  # (label, value): name, authority, reference, decision...
    flags: tuple[str, ...]  # e.g. "Legal hold"
    s141f_warning: str  # empty when it does not apply
    guidance_edition: str
    entries: tuple[ExportEntry, ...]
    access_log: tuple[AccessRecord, ...]
    exported_by: str
    exported_at: str
    audit_head_hash: str
    redacted: bool = False
    school_name: str = ""
    marking: str = "OFFICIAL-SENSITIVE"
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. what a redacted export leaves out

    def content_hash(self) -> str:
        """SHA-256 of the document's content (canonical JSON of this object), printed in its footer.

        Anyone holding the same record can recompute it; the file's own SHA-256 is kept in the
        audit trail when it is exported.
        """
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
