"""The S3-compatible backend of the file store (``evalsite/storage.py``): MinIO, Ceph, OSS, COS through boto3."""
from __future__ import annotations

import contextlib
import time
from typing import BinaryIO, Iterator, Optional

from .storage_base import (StorageError, StorageMissing, StoredObject, _check_key, _is_key, _Sweeping,
                           _verified, sha256_hex)

REFRESH_AFTER = 600  # seconds: a put of bytes stored longer ago makes the object young again (GC grace ≥ 1 h)


class _S3Stream:
    """The body of a GET, read in chunks; a broken connection is a ``StorageError``."""

    def __init__(self, body):
        self.body = body

    def read(self, n: int = -1) -> bytes:
        from botocore.exceptions import BotoCoreError

        try:
            return self.body.read(n if n >= 0 else None)
        except (BotoCoreError, OSError) as exc:
            raise StorageError(str(exc)) from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.body.close()


class S3Storage(_Sweeping):
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
        head = self._head(key)
        try:
            if head is None:
                self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data,
                                       Metadata={"sha256": key})
            elif time.time() - head["LastModified"].timestamp() > REFRESH_AFTER:
                self._refresh(key, data)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc
        return key

    def _refresh(self, key: str, data: bytes) -> None:
        """Make a stored object young again (a copy onto itself, inside the store), so the garbage
        collection's grace period covers the reference about to be committed; a store that refuses the
        copy gets the bytes again."""
        from botocore.exceptions import ClientError

        name = self._name(key)
        try:
            self.client.copy_object(Bucket=self.bucket, Key=name, CopySource={"Bucket": self.bucket, "Key": name},
                                    Metadata={"sha256": key}, MetadataDirective="REPLACE")
        except ClientError:
            self.client.put_object(Bucket=self.bucket, Key=name, Body=data, Metadata={"sha256": key})

    def _get(self, key: str):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except ClientError as exc:
            if self._missing(exc):
                raise StorageMissing(key) from None
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc

    def get(self, key: str) -> bytes:
        stream = _S3Stream(self._get(key))
        try:
            return _verified(key, stream.read())
        finally:
            stream.close()

    def open(self, key: str) -> BinaryIO:
        """The body of the object as it arrives, unverified: read it through ``copy_verified``."""
        return _S3Stream(self._get(key))

    def _head(self, key: str) -> Optional[dict]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if self._missing(exc):
                return None
            raise StorageError(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageError(str(exc)) from exc

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        name = self._name(key)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=name)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def objects(self) -> Iterator[StoredObject]:
        """Every object directly under the prefix (not under an area's sub-prefix), a page at a time."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else "", Delimiter="/")
            for page in pages:
                for obj in page.get("Contents", []):
                    name = obj["Key"].rpartition("/")[2]
                    if _is_key(name) and obj["Key"] == self._name(name):
                        yield StoredObject(name, int(obj["Size"]), obj["LastModified"].timestamp())
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(str(exc)) from exc

    def delete_if_older(self, key: str, before: float) -> Optional[int]:
        """Delete the object if it was last written before ``before`` (asked again now); its size, or None."""
        head = self._head(key)
        if head is None or head["LastModified"].timestamp() >= before:
            return None
        self.delete(key)
        return int(head.get("ContentLength") or 0)

    def download_url(self, key, filename, content_type, seconds=300):
        """A short-lived signed URL that makes the store answer as an attachment."""
        from urllib.parse import quote

        return self.client.generate_presigned_url(
            "get_object", ExpiresIn=seconds,
            Params={"Bucket": self.bucket, "Key": self._name(key), "ResponseContentType": content_type,
                    "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
        )
