"""The one response that serves a stored file (evidence, issued report and letter PDFs, job files).

Used by every view that hands out a file the platform keeps; the view checks the permission first.
The bytes are copied from the store in chunks into a spooled temporary file (memory up to
``SPOOL_BYTES``, then disk) while hashing, and only a copy whose SHA-256 is the key is sent, so the
client never gets a byte that could be wrong and no process holds a whole file in memory.
"""
from __future__ import annotations

import logging
import os
import tempfile
from urllib.parse import quote

from flask import current_app, redirect, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import wrap_file

from .errors import abort_zh
from .storage import Storage, StorageCorrupt, StorageError, StorageMissing, copy_verified, current_storage

log = logging.getLogger(__name__)
SPOOL_BYTES = 1024 * 1024
MISSING = (404, "文件已不在存储中，请联系管理员。")


def _spooled(storage: Storage, key: str):
    """The verified copy of the object, rewound, and its size; nothing is left behind on an error."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        size = copy_verified(storage, key, spool)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool, size


def send_stored_file(key: str, filename: str, content_type: str, *, inline: bool = False,
                     missing: tuple[int, str] = MISSING):
    """The response serving one stored file: verified bytes, RFC 5987 ``filename*`` for Chinese names,
    ``nosniff``, never cached by a proxy; ``ETag`` is the SHA-256, so ``If-None-Match`` and ``Range``
    (a resumed download) are answered from the verified copy.

    With ``STORAGE_SIGNED_DOWNLOADS`` on and a backend that signs URLs (S3), the answer is instead a
    redirect to a short-lived signed URL (``STORAGE_SIGNED_SECONDS``, default 300) so the bytes go from
    the store straight to the browser; the view has checked the permission before either answer.
    A missing object answers ``missing`` (404 by default) and a corrupt or unreachable store 500/503,
    each with a Chinese page and no part of the file.
    """
    storage = current_storage()
    try:
        if current_app.config.get("STORAGE_SIGNED_DOWNLOADS") and not inline:
            url = storage.download_url(key, filename, content_type,
                                       seconds=int(current_app.config.get("STORAGE_SIGNED_SECONDS") or 300))
            if url:
                resp = redirect(url, 302)
                resp.headers["Cache-Control"] = "private, no-store"
                return resp
        spool, size = _spooled(storage, key)
    except StorageMissing:
        log.error("stored file missing: %s", key)
        abort_zh(*missing)
    except StorageCorrupt:
        log.error("stored file does not match its SHA-256: %s", key)
        abort_zh(500, "文件内容与登记的校验值（SHA-256）不符，已停止下载；请联系管理员。")
    except StorageError as exc:
        log.error("file store unreachable: %s", exc)
        abort_zh(503, "文件存储暂时无法访问，请稍后重试。")
    resp = current_app.response_class(wrap_file(request.environ, spool), mimetype=content_type,
                                      direct_passthrough=True)
    resp.content_length = size
    resp.set_etag(key)
    disposition = "inline" if inline else "attachment"
    ext = os.path.splitext(filename)[1]
    ascii_name = "download" + (ext if ext.isascii() and ext.replace(".", "").isalnum() else "")
    resp.headers["Content-Disposition"] = f"{disposition}; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    try:
        return resp.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        spool.close()
        abort_zh(416, "请求的字节范围超出了文件大小。")
