"""Where the platform keeps files: one interface, keyed by SHA-256, two backends.

Report and letter PDFs, evidence and cached exports must be readable by every web
process, on every machine, so no file may live only on the disk of the process
that wrote it. ``STORAGE_URL`` chooses the backend:

- unset or ``file:///path`` (default ``instance/files``): a local folder, nothing
  to install, for one machine;
- ``s3://bucket/prefix``: any S3-compatible store through boto3 (MinIO, Ceph,
  Alibaba OSS, Tencent COS), with ``STORAGE_ENDPOINT_URL``, ``STORAGE_REGION``,
  ``STORAGE_ACCESS_KEY`` and ``STORAGE_SECRET_KEY``.

Objects are content-addressed: ``put`` returns the SHA-256 of the bytes, which is
also their key, so storing the same file twice keeps one copy and a reader can
check what it got. ``get`` verifies the hash and raises ``StorageCorrupt`` when
the bytes do not match; ``open`` gives the raw stream for a reader that copies a
large file in chunks and checks the hash itself (``copy_verified``: the download
spools it, so no download holds a whole file in memory).

Putting bytes that are already stored refreshes the object's age, so
``flask storage-gc`` (``evalsite/storage_gc.py``), which deletes only objects
no row refers to *and* older than its grace period, never takes a file an
upload is about to refer to again.

A row that owns a file keeps only its SHA-256 (with the name, type and size it
needs); ``evalsite/downloads.py`` has the one download response every view uses, and
the ``flask storage-migrate`` command (``evalsite/storage_cli.py``) copies files
kept before this interface into the configured store.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator, Optional
from urllib.parse import urlparse

from .storage_base import (CHUNK, Storage, StorageCorrupt, StorageError, StorageMissing,  # noqa: F401
                           StoredObject, _check_key, _is_key, _Sweeping, _verified, copy_verified, sha256_hex,
                           verify)
from .storage_s3 import S3Storage


class LocalStorage(_Sweeping):
    """Objects as files ``<root>/<k[:2]>/<key>``, written atomically (temp file, then rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = _check_key(key)
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = sha256_hex(data)
        path = self._path(key)
        try:
            os.utime(path)  # stored: younger again, so the garbage collection's grace period covers the new reference
            return key
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return key

    def get(self, key: str) -> bytes:
        try:
            return _verified(key, self._path(key).read_bytes())
        except FileNotFoundError:
            raise StorageMissing(key) from None

    def open(self, key: str) -> BinaryIO:
        """The file itself, unverified: read it through ``copy_verified``."""
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise StorageMissing(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def objects(self) -> Iterator[StoredObject]:
        """Every object of this folder (not of an area below it)."""
        for path in self.root.glob("??/*"):
            if _is_key(path.name) and path.parent.name == path.name[:2]:
                try:
                    st = path.stat()
                except OSError:
                    continue
                yield StoredObject(path.name, st.st_size, st.st_mtime)

    def delete_if_older(self, key: str, before: float) -> Optional[int]:
        """Delete the object if it was last written before ``before``; its size, or None.

        The file is first moved aside and its age read there, so a ``put`` of the same bytes either made it
        young before (it is put back) or finds it gone and writes it again: a put never loses its file."""
        path = self._path(key)
        aside = path.with_name(f".gc-{key}")
        try:
            os.rename(path, aside)
        except FileNotFoundError:
            return None
        st = aside.stat()
        if st.st_mtime >= before:
            os.replace(aside, path)  # (a put meanwhile wrote the same bytes)
            return None
        aside.unlink()
        return st.st_size

    def download_url(self, key, filename, content_type, seconds=300):
        """A local folder has no URL of its own: the application streams the bytes."""
        return None


def storage_from_settings(settings: dict, area: str = "") -> Storage:
    """The backend ``STORAGE_URL`` names (a local folder under the instance by default); ``area`` names a
    separate part of the same store (a sub-folder or sub-prefix), e.g. ``parked`` for short-lived files."""
    url = (settings.get("STORAGE_URL") or "").strip()
    if not url:
        return LocalStorage(Path(settings["STORAGE_DIR"]) / area)
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalStorage(Path(parsed.path) / area)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise StorageError("STORAGE_URL 缺少存储桶名（s3://bucket/prefix） / STORAGE_URL has no bucket")
        prefix = "/".join(p for p in (parsed.path.strip("/"), area) if p)
        return S3Storage(parsed.netloc, prefix, endpoint_url=settings.get("STORAGE_ENDPOINT_URL"),
                         region=settings.get("STORAGE_REGION"), access_key=settings.get("STORAGE_ACCESS_KEY"),
                         secret_key=settings.get("STORAGE_SECRET_KEY"))
    raise StorageError(f"不支持的 STORAGE_URL：{url}（可用 file:// 或 s3://） / unsupported STORAGE_URL")


def app_storage(app) -> Storage:
    """The storage of one app, built once from its config (``STORAGE_*``)."""
    storage = app.extensions.get("evalsite.storage")
    if storage is None:
        storage = app.extensions["evalsite.storage"] = storage_from_settings(app.config)
    return storage


def current_storage() -> Storage:
    """The storage of the running app."""
    from flask import current_app

    return app_storage(current_app._get_current_object())


SCRATCH_AREA = "parked"


def scratch_storage() -> Storage:
    """The running app's area for files kept a short while (an import waiting for its confirmation):
    ``<STORAGE_DIR>/parked`` or ``s3://bucket/<prefix>/parked``, apart from the kept files, swept by age."""
    from flask import current_app

    storage = current_app.extensions.get("evalsite.scratch_storage")
    if storage is None:
        storage = current_app.extensions["evalsite.scratch_storage"] = storage_from_settings(
            current_app.config, area=SCRATCH_AREA)
    return storage


def storage_for(row) -> Storage:
    """The storage behind a database row: the running app's, or (outside a request, e.g. a script or a
    test holding its own session) the app whose session loaded the row."""
    from flask import has_app_context
    from sqlalchemy.orm import object_session

    if has_app_context():
        return current_storage()
    session = object_session(row)
    app = session.info.get("app") if session is not None else None
    if app is None:
        raise StorageError("没有应用上下文，无法确定文件存储 / no app context to find the file store")
    return app_storage(app)
