"""Evidence files: type by content, size limit, kept in the file store, safe download.

The type is read from the magic bytes (a renamed .exe is not a PDF), the bytes
go to the platform's file store (``evalsite/storage.py``: a local folder or an
S3-compatible bucket, never a public folder) under their SHA-256, which the row
keeps and every read verifies, and downloads always go out as attachments with
``nosniff`` so a browser never renders them inline. ``stored_name`` stays a
random name: files uploaded before the store lived under it in ``UPLOAD_DIR``,
where ``flask storage-migrate`` finds them.
"""
from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO, Optional

from flask import current_app

from ..domain_errors import DomainError
from ..downloads import send_stored_file
from ..storage import StorageError, current_storage

ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_LABEL = "PDF、JPEG、PNG、DOCX、XLSX"
# the extensions a download may keep for each sniffed kind (anything else is replaced by the kind)
EXTENSIONS = {"pdf": ("pdf",), "jpg": ("jpg", "jpeg"), "png": ("png",), "docx": ("docx",), "xlsx": ("xlsx",)}
KIND_OF_TYPE = {content_type: kind for kind, content_type in ALLOWED.items()}
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,5}$")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 1024 * 1024


class UploadRejected(DomainError):
    """The file cannot be kept; ``status`` is 400 (type, empty), 413 (size) or 503 (store unreachable), the
    message Chinese."""

    def __init__(self, status: int, message: str):
        super().__init__(message, status=status)


@dataclass(frozen=True)
class StoredFile:
    filename: str
    stored_name: str
    size: int
    sha256: str
    content_type: str


def sniff(data: bytes) -> Optional[str]:
    """The allowed kind (pdf, jpg, png, docx, xlsx) the bytes really are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def safe_filename(name: str, fallback: str = "附件") -> str:
    """The last path part, without control characters or quotes; Chinese is kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>|:*?')
    name = name.strip().lstrip(".").strip()
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + dot + ext[:8]) if dot else name[:120]
    return name or fallback


def named_as(name: str, kind: str) -> str:
    """The safe file name ending with the extension of the type the bytes really are: a PDF uploaded
    as ``page.html`` is ``page.pdf``, a photo named ``照片`` is ``照片.jpg``."""
    name = safe_filename(name)
    stem, dot, ext = name.rpartition(".")
    if dot and stem and _EXTENSION.match(ext):
        if ext.lower() in EXTENSIONS.get(kind, ()):
            return name
        name = stem
    return f"{name}.{kind}"


def _read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    chunks, total = [], 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise UploadRejected(413, f"文件超过 {max_bytes // (1024 * 1024)} MB 的上限，未保存；"
                                      "请压缩或拆分后重新上传（已填写的其他内容已保存）。")
        chunks.append(chunk)


def store_upload(file_storage, max_bytes: Optional[int] = None) -> StoredFile:
    """Check one uploaded file and put it in the file store; raises UploadRejected."""
    if max_bytes is None:
        max_bytes = int(current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))
    data = _read_limited(file_storage.stream, max_bytes)
    if not data:
        raise UploadRejected(400, "上传的文件为空。")
    kind = sniff(data)
    if kind is None:
        raise UploadRejected(400, f"文件类型不支持：只接受 {ALLOWED_LABEL}（按文件内容识别，而非扩展名）。")
    try:
        key = current_storage().put(data)
    except StorageError as exc:
        current_app.logger.error("evidence not stored: %s", exc)
        raise UploadRejected(503, "文件存储暂时无法访问，文件未保存，请稍后重新上传（已填写的其他内容已保存）。") from exc
    return StoredFile(named_as(file_storage.filename or "", kind), f"{secrets.token_hex(16)}.{kind}", len(data),
                      key, ALLOWED[kind])


def _download_name(stored_name: str, filename: str, content_type: str) -> str:
    kind = KIND_OF_TYPE.get(content_type) or stored_name.rpartition(".")[2]
    return named_as(filename, kind) if kind in EXTENSIONS else safe_filename(filename)


def send_stored(row):
    """The download of an evidence row (``sha256``, ``filename``, ``content_type``, ``stored_name``): an
    attachment read from the store and verified, named with the extension of the stored type (files kept
    before that rule included)."""
    return send_stored_file(row.sha256, _download_name(row.stored_name, row.filename, row.content_type),
                            row.content_type)
