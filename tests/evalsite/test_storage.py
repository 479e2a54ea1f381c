"""The storage interface behaves the same on a local folder and on a real S3-compatible HTTP server."""
from __future__ import annotations

import pytest

from evalsite.storage import (LocalStorage, S3Storage, StorageCorrupt, StorageError, StorageMissing,
                              sha256_hex, storage_from_settings)


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    endpoint = request.getfixturevalue("s3_endpoint")
    return storage_from_settings({"STORAGE_URL": "s3://evalsite-test/files", "STORAGE_ENDPOINT_URL": endpoint,
                                  "STORAGE_ACCESS_KEY": "test", "STORAGE_SECRET_KEY": "test"})


def test_put_returns_the_sha256_and_get_returns_the_bytes(storage):
    data = "整改报告 PDF".encode() * 100
    key = storage.put(data)
    assert key == sha256_hex(data)
    assert storage.exists(key)
    assert storage.get(key) == data
    assert storage.put(data) == key  # the same bytes keep one copy


def test_missing_and_deleted_objects_raise_missing(storage):
    key = sha256_hex(b"never stored")
    assert not storage.exists(key)
    with pytest.raises(StorageMissing):
        storage.get(key)
    stored = storage.put(b"to delete")
    storage.delete(stored)
    with pytest.raises(StorageMissing):
        storage.get(stored)


def test_a_key_that_is_not_a_hash_is_refused(storage):
    with pytest.raises(StorageError):
        storage.get("../../etc/passwd")


def test_local_read_checks_the_hash(tmp_path):
    store = LocalStorage(tmp_path)
    key = store.put(b"original")
    (tmp_path / key[:2] / key).write_bytes(b"tampered")
    with pytest.raises(StorageCorrupt):
        store.get(key)


def test_s3_read_checks_the_hash(s3_endpoint):
    store = storage_from_settings({"STORAGE_URL": "s3://evalsite-test/t", "STORAGE_ENDPOINT_URL": s3_endpoint,
                                   "STORAGE_ACCESS_KEY": "test", "STORAGE_SECRET_KEY": "test"})
    key = store.put(b"original")
    store.client.put_object(Bucket="evalsite-test", Key=f"t/{key}", Body=b"tampered")
    with pytest.raises(StorageCorrupt):
        store.get(key)


def test_s3_signed_download_url_answers_as_attachment(s3_endpoint):
    import urllib.request

    store = storage_from_settings({"STORAGE_URL": "s3://evalsite-test/d", "STORAGE_ENDPOINT_URL": s3_endpoint,
                                   "STORAGE_ACCESS_KEY": "test", "STORAGE_SECRET_KEY": "test"})
    key = store.put(b"%PDF-1.4 test")
    url = store.download_url(key, "报告.pdf", "application/pdf")
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == b"%PDF-1.4 test"
        assert "attachment" in resp.headers["Content-Disposition"]
    assert LocalStorage("/nonexistent").download_url(key, "a.pdf", "application/pdf") is None


@pytest.mark.parametrize("url", ["ftp://x/y", "s3:///nobucket"])
def test_unknown_storage_urls_are_refused(url):
    with pytest.raises(StorageError):
        storage_from_settings({"STORAGE_URL": url, "STORAGE_DIR": "/tmp"})


def test_default_is_the_local_folder(tmp_path):
    store = storage_from_settings({"STORAGE_URL": "", "STORAGE_DIR": str(tmp_path)})
    assert isinstance(store, LocalStorage)
    assert isinstance(storage_from_settings({"STORAGE_URL": f"file://{tmp_path}"}), LocalStorage)
    assert not isinstance(store, S3Storage)


def test_the_test_apps_keep_files_where_test_storage_says(app):
    """``TEST_STORAGE=s3`` (the PostgreSQL pass of .ci/run) puts every test's files on the moto S3 server."""
    import os

    from evalsite.storage import app_storage

    expected = S3Storage if os.environ.get("TEST_STORAGE", "").lower() == "s3" else LocalStorage
    assert isinstance(app_storage(app), expected)


def test_sweep_deletes_only_objects_older_than_asked(storage):
    key = storage.put(b"parked " + __import__("os").urandom(8))
    assert storage.sweep(3600) == 0 and storage.exists(key)  # young: kept
    assert storage.sweep(-60) >= 1 and not storage.exists(key)  # "older than a minute in the future": all


def test_an_area_is_apart_from_the_kept_files(tmp_path, s3_endpoint):
    for settings in ({"STORAGE_URL": "", "STORAGE_DIR": str(tmp_path)},
                     {"STORAGE_URL": "s3://evalsite-test/areas", "STORAGE_ENDPOINT_URL": s3_endpoint,
                      "STORAGE_ACCESS_KEY": "test", "STORAGE_SECRET_KEY": "test"}):
        kept, parked = storage_from_settings(settings), storage_from_settings(settings, area="parked")
        key = parked.put(b"an import waiting for its confirmation")
        assert not kept.exists(key) and parked.get(key)
        kept_key = kept.put(b"an issued report")
        parked.sweep(-60)  # sweeping the area never touches the kept files
        assert kept.exists(kept_key) and not parked.exists(key)


def test_open_gives_the_raw_stream_and_copy_verified_checks_it(storage):
    import io

    from evalsite.storage import copy_verified, verify

    data = b"%PDF-1.4 " + __import__("os").urandom(200_000)
    key = storage.put(data)
    out = io.BytesIO()
    assert copy_verified(storage, key, out) == len(data) and out.getvalue() == data
    assert verify(storage, key) == len(data)
    with pytest.raises(StorageMissing):
        storage.open(sha256_hex(b"never stored"))
    with pytest.raises(StorageMissing):
        verify(storage, sha256_hex(b"never stored"))


def test_copy_verified_refuses_bytes_that_do_not_match(tmp_path):
    import io

    from evalsite.storage import copy_verified

    store = LocalStorage(tmp_path)
    key = store.put(b"original" * 10_000)
    (tmp_path / key[:2] / key).write_bytes(b"tampered" * 10_000)
    with pytest.raises(StorageCorrupt):
        copy_verified(store, key, io.BytesIO())


def test_objects_lists_this_area_only_and_delete_if_older_asks_the_age_again(tmp_path, s3_endpoint):
    import time
    import uuid

    for settings in ({"STORAGE_URL": "", "STORAGE_DIR": str(tmp_path)},
                     {"STORAGE_URL": f"s3://evalsite-test/l-{uuid.uuid4().hex[:8]}", "STORAGE_ENDPOINT_URL": s3_endpoint,
                      "STORAGE_ACCESS_KEY": "test", "STORAGE_SECRET_KEY": "test"}):
        kept, parked = storage_from_settings(settings), storage_from_settings(settings, area="parked")
        a, b = kept.put(b"first file"), kept.put(b"second file, longer")
        p = parked.put(b"parked file")
        listed = {o.key: o for o in kept.objects()}
        assert set(listed) == {a, b} and listed[b].size == len(b"second file, longer")
        assert {o.key for o in parked.objects()} == {p}
        assert kept.delete_if_older(a, time.time() - 3600) is None and kept.exists(a)  # younger than asked
        assert kept.delete_if_older(a, time.time() + 60) == len(b"first file") and not kept.exists(a)
        assert kept.delete_if_older(a, time.time() + 60) is None  # already gone


def test_putting_stored_bytes_again_makes_the_object_young(tmp_path, s3_endpoint, monkeypatch):
    import os
    import time

    from evalsite import storage_s3

    local = LocalStorage(tmp_path)
    key = local.put(b"an evidence file uploaded twice")
    path = tmp_path / key[:2] / key
    os.utime(path, (time.time() - 3 * 86400,) * 2)
    local.put(b"an evidence file uploaded twice")
    assert time.time() - path.stat().st_mtime < 60

    monkeypatch.setattr(storage_s3, "REFRESH_AFTER", -1)  # (moto cannot make an object old: refresh every put)
    s3 = storage_from_settings({"STORAGE_URL": "s3://evalsite-test/young", "STORAGE_ENDPOINT_URL": s3_endpoint,
                                "STORAGE_ACCESS_KEY": "test", "STORAGE_SECRET_KEY": "test"})
    key = s3.put(b"a report uploaded twice " + os.urandom(8))
    before = s3._head(key)["LastModified"]
    time.sleep(1.1)
    s3.put(s3.get(key))
    assert s3._head(key)["LastModified"] > before and s3.get(key)
