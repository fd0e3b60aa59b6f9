"""The case page's chronology as plain display rows, built in Python once per entry.

A chronology runs to hundreds of entries, so the page's cost is mostly this list. Each entry's
body is decoded once (by the running view), and every string the template prints is made here,
so the template's loop only places text. The words are the same as the PDF's (entry_text).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from flask import url_for

from casetracker.dates import govuk_datetime
from casetracker.domain.entries import SYSTEM_ENTRY_TYPES, EntryType
from casetracker.models import ChronologyEntry
from casetracker.services import entry_text

# What the correction page accepts (web/cases/running.py): a known type the service does not write.
CORRECTABLE = frozenset(entry_type.value for entry_type in EntryType if entry_type not in SYSTEM_ENTRY_TYPES)


class Attached(NamedTuple):
    url: str
    filename: str
    sha256_start: str


class Item(NamedTuple):  # a tuple, not a frozen dataclass: hundreds are made for each page
    seq: int
    heading: str
    recorded: str  # "Happened …. Recorded … by …."
    corrects: str  # "Corrects entry 3. Reason: …", or ""
    rows: list[tuple[str, str]]
    text: str
    attachments: list[Attached]
    corrected_by: int | None  # the entry that supersedes this one
    correct_url: str | None  # where the case manager corrects it, when they may


def _url_per_id(endpoint: str, case_id: uuid.UUID, name: str) -> Callable[[uuid.UUID], str]:
    """url_for once, with a placeholder id: each entry's link is the same path with its own id in
    it (url_for for each of hundreds of entries was a tenth of the page's time)."""
    placeholder = str(uuid.UUID(int=0))
    path = url_for(endpoint, case_id=case_id, **{name: placeholder})
    return lambda value: path.replace(placeholder, str(value))


def items(
    entries: Sequence[ChronologyEntry],
    bodies: Mapping[uuid.UUID, dict[str, Any]],
    *,
    corrected_by: Mapping[str, Any],
    attachments_by_entry: Mapping[uuid.UUID, list[Any]],
    edition: Any,
    action_names: dict[str, str],
    may_correct: bool,
    reporter_shown: bool,
) -> list[Item]:
    if not entries:
        return []
    case_id = entries[0].case_id
    correct_url = _url_per_id("cases.correct_entry", case_id, "entry_id")
    download_url = _url_per_id("cases.download_attachment", case_id, "attachment_id")
    seq_of = {entry.id: entry.seq for entry in entries}
    built = []
    for entry in entries:
        body = bodies[entry.id]
        entry_type = str(body.get("type", ""))
        correction = corrected_by.get(str(entry.id))
        author = body.get("author") or {}
        recorded = f"Happened {govuk_datetime(entry.occurred_at)}. Recorded {govuk_datetime(entry.recorded_at)}"
        recorded += f" by {entry_text.author_name(author, reporter_shown=reporter_shown)}." if author else "."
        corrects = ""
        if entry.supersedes_id:
            reason = body.get("correction_reason", "")
            corrects = f"Corrects entry {seq_of.get(entry.supersedes_id, '')}. Reason: {reason}"
        files = [
            Attached(
                url=download_url(attachment.id),
                filename=(attachment.file_metadata or {}).get("filename", "attachment"),
                sha256_start=((attachment.file_metadata or {}).get("sha256") or "")[:16],
            )
            for attachment in attachments_by_entry.get(entry.id, [])
        ]
        correctable = may_correct and correction is None and bool(author) and entry_type in CORRECTABLE
        built.append(
            Item(
                seq=entry.seq,
                heading=f"{entry.seq}. {entry_text.entry_label(entry_type)}",
                recorded=recorded,
                corrects=corrects,
                rows=entry_text.entry_rows(body, edition, action_names),
                text=str(body.get("text") or ""),
                attachments=files,
                corrected_by=correction.seq if correction is not None else None,
                correct_url=correct_url(entry.id) if correctable else None,
            )
        )
    return built
