"""Evidence files: checked by content against an allow-list, encrypted at rest under generated names.

The bytes are encrypted under the case's data key (bound to the attachment's id and case) and
written to ATTACHMENT_DIR; the original name, type, size and SHA-256 are encrypted in the database.
Every upload and download records the file's SHA-256 in the audit trail (encrypted there too).
"""

from __future__ import annotations

import io
import os
import secrets
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from casetracker import audit, crypto
from casetracker.extensions import db
from casetracker.keystore import data_key_for, keyring
from casetracker.models import Attachment, Case, ChronologyEntry

MAX_BYTES = 10 * 1024 * 1024


class AttachmentError(ValueError):
    """A file that cannot be accepted; the message says why, for the form."""


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str


def detect_type(data: bytes) -> tuple[str, str]:
    """(content type, extension) judged by the bytes themselves, never by the name or browser."""
    if data.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            names = set()
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
        raise AttachmentError("The file must be a PDF, PNG, JPEG, Word document (DOCX) or plain text file")
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in decoded):
        return "text/plain", "txt"
    raise AttachmentError("The file must be a PDF, PNG, JPEG, Word document (DOCX) or plain text file")


def safe_filename(name: str, extension: str) -> str:
    """A name for the download: letters, digits, spaces, dots, dashes; the true extension."""
    stem = Path(name.replace("\\", "/")).name.rsplit(".", 1)[0]
    cleaned = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in " -_" else "_" for ch in stem).strip()[:80]
    cleaned = cleaned or "evidence"
    return f"{cleaned}.{extension}"


def _path(storage_name: str) -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"]) / storage_name


def store(
    actor_user_id: uuid.UUID, case: Case, entry: ChronologyEntry | None, filename: str, data: bytes
) -> Attachment:
    if not data:
        raise AttachmentError("The selected file is empty")
    if len(data) > MAX_BYTES:
        raise AttachmentError("The selected file must be smaller than 10 MB")
    content_type, extension = detect_type(data)
    digest = crypto.sha256_hex(data)
    attachment = Attachment(
        case_id=case.id,
        entry_id=entry.id if entry else None,
        storage_name=secrets.token_hex(24),
    )
    attachment.file_metadata = {
        "filename": safe_filename(filename, extension),
        "content_type": content_type,
        "size": len(data),
        "sha256": digest,
    }
    key_id, key = data_key_for(case.id)
    blob = keyring().encrypt(key, key_id, data, crypto.associated_data("attachment", attachment.id, "content", case.id))
    path = _path(attachment.storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    db.session.add(attachment)
    audit.record(
        "attachment.uploaded",
        actor_user_id=actor_user_id,
        object_type="attachment",
        object_id=attachment.id,
        case_id=case.id,
        secret={"sha256": digest},
    )
    return attachment


def read(actor_user_id: uuid.UUID, attachment: Attachment) -> StoredFile:
    """Decrypt a file for download, check its hash, and audit the download (the caller commits)."""
    metadata = attachment.file_metadata
    key_id, key = data_key_for(attachment.case_id)
    blob = _path(attachment.storage_name).read_bytes()
    data = keyring().decrypt(
        key, key_id, blob, crypto.associated_data("attachment", attachment.id, "content", attachment.case_id)
    )
    if crypto.sha256_hex(data) != metadata["sha256"]:
        raise crypto.IntegrityError("attachment does not match its recorded SHA-256")
    audit.record(
        "attachment.downloaded",
        actor_user_id=actor_user_id,
        object_type="attachment",
        object_id=attachment.id,
        case_id=attachment.case_id,
        secret={"sha256": metadata["sha256"]},
    )
    return StoredFile(metadata["filename"], metadata["content_type"], data, metadata["sha256"])


def remove_files(case_id: uuid.UUID) -> None:
    """Delete a destroyed case's files (their key is already gone; this frees the disk)."""
    for attachment in db.session.query(Attachment).filter(Attachment.case_id == case_id):
        _path(attachment.storage_name).unlink(missing_ok=True)
