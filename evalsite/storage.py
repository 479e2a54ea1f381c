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
the bytes do not match.

A row that owns a file keeps only its SHA-256 (with the name, type and size it
needs); ``evalsite/downloads.py`` has the one download response every view uses, and
the ``flask storage-migrate`` command (``evalsite/storage_cli.py``) copies files
kept before this interface into the configured store.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path
from typing import Optional, Protocol
from urllib.parse import urlparse


class StorageError(Exception):
    """A file could not be stored or read."""


class StorageMissing(StorageError):
    """No object under that key."""


class StorageCorrupt(StorageError):
    """The stored bytes no longer hash to their key."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_key(key: str) -> str:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise StorageError(f"不是 SHA-256 键：{key!r}")
    return key


class Storage(Protocol):
    """What every backend offers."""

    def put(self, data: bytes) -> str: ...
    def get(self, key: str) -> bytes: ...
    def open(self, key: str) -> io.BytesIO: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def sweep(self, older_than_seconds: float) -> int: ...
    def download_url(self, key: str, filename: str, content_type: str, seconds: int = 300) -> Optional[str]: ...


def _verified(key: str, data: bytes) -> bytes:
    if sha256_hex(data) != key:
        raise StorageCorrupt(f"文件内容与其 SHA-256 不符：{key}")
    return data


class _Opening:
    def open(self, key: str) -> io.BytesIO:
        """A file object over the verified bytes (a file is at most a few MB: uploads are capped at 10 MB)."""
        return io.BytesIO(self.get(key))


class LocalStorage(_Opening):
    """Objects as files ``<root>/<k[:2]>/<key>``, written atomically (temp file, then rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        key = _check_key(key)
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = sha256_hex(data)
        path = self._path(key)
        if path.exists():
            return key
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

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def sweep(self, older_than_seconds: float) -> int:
        """Delete objects older than that (only ever called on a scratch area); returns how many."""
        import time

        cutoff, gone = time.time() - older_than_seconds, 0
        for path in self.root.glob("??/*"):
            try:
                if len(path.name) == 64 and path.stat().st_mtime < cutoff:
                    path.unlink()
                    gone += 1
            except OSError:
                pass
        return gone

    def download_url(self, key, filename, content_type, seconds=300):
        """A local folder has no URL of its own: the application streams the bytes."""
        return None


class S3Storage(_Opening):
    """Objects in an S3-compatible bucket under ``<prefix>/<key>``."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url=None, region=None,
                 access_key=None, secret_key=None, client=None):
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "s3", endpoint_url=endpoint_url or None, region_name=region or "us-east-1",
                aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
                config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"},
                              s3={"addressing_style": "path"}),
            )
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def _name(self, key: str) -> str:
        key = _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _missing(self, exc) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in {"404", "NoSuchKey", "NotFound"}

    def put(self, data: bytes) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        key = sha256_hex(data)
        if not self.exists(key):
            try:
                self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data,
                                       Metadata={"sha256": key})
            except (BotoCoreError, ClientError) as exc:
                raise StorageError(str(exc)) from exc
        return key

    def get(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        name = self._name(key)
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=name)
            data = obj["Body"].read()
        except ClientError as exc:
            if self._missing(exc):
                raise StorageMissing(key) from None
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc
        return _verified(key, data)

    def exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        name = self._name(key)
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
            return True
        except ClientError as exc:
            if self._missing(exc):
                return False
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        name = self._name(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def sweep(self, older_than_seconds: float) -> int:
        """Delete objects under the prefix older than that (only ever called on a scratch area)."""
        import datetime as dt

        from botocore.exceptions import BotoCoreError, ClientError

        cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=older_than_seconds)
        gone = 0
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else "")
            for page in pages:
                for obj in page.get("Contents", []):
                    name = obj["Key"].rpartition("/")[2]
                    if len(name) == 64 and obj["Key"] == self._name(name) and obj["LastModified"] < cutoff:
                        self.client.delete_object(Bucket=self.bucket, Key=obj["Key"])
                        gone += 1
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc
        return gone

    def download_url(self, key, filename, content_type, seconds=300):
        """A short-lived signed URL that makes the store answer as an attachment."""
        from urllib.parse import quote

        return self.client.generate_presigned_url(
            "get_object", ExpiresIn=seconds,
            Params={"Bucket": self.bucket, "Key": self._name(key), "ResponseContentType": content_type,
                    "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
        )


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
