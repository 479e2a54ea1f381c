"""The one response that serves a stored file (evidence, issued report and letter PDFs).

Used by every view that hands out a file the platform keeps; the view checks the permission first.
"""
from __future__ import annotations

import logging
import os
from urllib.parse import quote

from flask import Response, current_app, redirect

from .errors import abort_zh
from .storage import StorageCorrupt, StorageError, StorageMissing, current_storage

log = logging.getLogger(__name__)


def send_stored_file(key: str, filename: str, content_type: str, *, inline: bool = False):
    """The response serving one stored file: verified bytes, RFC 5987 ``filename*`` for Chinese names,
    ``nosniff``, never cached by a proxy.

    With ``STORAGE_SIGNED_DOWNLOADS`` on and a backend that signs URLs (S3), the answer is instead a
    redirect to a short-lived signed URL (``STORAGE_SIGNED_SECONDS``, default 300) so the bytes go from
    the store straight to the browser; the view has checked the permission before either answer.
    A missing object answers 404 and a corrupt or unreachable store 500/503, each with a Chinese page.
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
        data = storage.get(key)
    except StorageMissing:
        log.error("stored file missing: %s", key)
        abort_zh(404, "文件已不在存储中，请联系管理员。")
    except StorageCorrupt:
        log.error("stored file does not match its SHA-256: %s", key)
        abort_zh(500, "文件内容与登记的校验值（SHA-256）不符，已停止下载；请联系管理员。")
    except StorageError as exc:
        log.error("file store unreachable: %s", exc)
        abort_zh(503, "文件存储暂时无法访问，请稍后重试。")
    resp = Response(data, mimetype=content_type)
    disposition = "inline" if inline else "attachment"
    ext = os.path.splitext(filename)[1]
    ascii_name = "download" + (ext if ext.isascii() and ext.replace(".", "").isalnum() else "")
    resp.headers["Content-Disposition"] = f"{disposition}; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
