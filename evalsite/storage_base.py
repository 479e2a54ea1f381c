"""The pieces every file-store backend shares (``evalsite/storage.py`` is the interface callers use).

Errors, the key check, the listing record, and the verified chunked copy a download or a check reads
through, so a backend only has to offer a raw stream.
"""
from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Optional, Protocol


class StorageError(Exception):
    """A file could not be stored or read."""


class StorageMissing(StorageError):
    """No object under that key."""


class StorageCorrupt(StorageError):
    """The stored bytes no longer hash to their key."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CHUNK = 64 * 1024


def _is_key(name: str) -> bool:
    return len(name) == 64 and all(c in "0123456789abcdef" for c in name)


def _check_key(key: str) -> str:
    if not _is_key(key):
        raise StorageError(f"不是 SHA-256 键：{key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    """One object as the store lists it: its key, size in bytes and last write (epoch seconds)."""

    key: str
    size: int
    modified: float


class Storage(Protocol):
    """What every backend offers."""

    def put(self, data: bytes) -> str: ...
    def get(self, key: str) -> bytes: ...
    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def objects(self) -> Iterator[StoredObject]: ...
    def delete_if_older(self, key: str, before: float) -> Optional[int]: ...
    def sweep(self, older_than_seconds: float) -> int: ...
    def download_url(self, key: str, filename: str, content_type: str, seconds: int = 300) -> Optional[str]: ...


def _verified(key: str, data: bytes) -> bytes:
    if sha256_hex(data) != key:
        raise StorageCorrupt(f"文件内容与其 SHA-256 不符：{key}")
    return data


def copy_verified(storage: Storage, key: str, dest) -> int:
    """Copy the object into ``dest`` (anything with ``write``) in chunks while hashing it; returns the size.

    Raises ``StorageCorrupt`` after the copy when the bytes do not hash to the key, so the caller must not
    hand out what it wrote before this returns (the download spools to a temporary file first)."""
    digest, size = hashlib.sha256(), 0
    try:
        with contextlib.closing(storage.open(key)) as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                dest.write(chunk)
                size += len(chunk)
    except OSError as exc:
        raise StorageError(str(exc)) from exc
    if digest.hexdigest() != key:
        raise StorageCorrupt(f"文件内容与其 SHA-256 不符：{key}")
    return size


class _Sink:
    def write(self, chunk: bytes) -> None:
        pass


def verify(storage: Storage, key: str) -> int:
    """Check that the object is there and intact without keeping it in memory; returns its size."""
    return copy_verified(storage, key, _Sink())


class _Sweeping:
    def sweep(self, older_than_seconds: float) -> int:
        """Delete objects older than that (only ever called on a scratch area); returns how many."""
        cutoff, gone = time.time() - older_than_seconds, 0
        for obj in list(self.objects()):
            if obj.modified < cutoff and self.delete_if_older(obj.key, cutoff) is not None:
                gone += 1
        return gone
