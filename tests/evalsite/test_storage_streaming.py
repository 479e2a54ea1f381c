"""Downloads stream: a multi-MB file goes out in chunks from a verified spool, never read whole into memory,
a corrupt one is refused before any byte of it leaves, and Range / If-None-Match are answered (ETag = SHA-256)."""
from __future__ import annotations

import hashlib
import os
import tracemalloc

import pytest

from evalsite.models import Evidence
from evalsite.storage import CHUNK, LocalStorage, S3Storage

from .store_backends import backend  # noqa: F401  (the fixture)

SIZE = 6 * 1024 * 1024


def _evidence(session, world, key, size):
    ev = Evidence(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, indicator="B6", filename="职代会决议.pdf",
                  stored_name=f"{key[:16]}.pdf", size=size, sha256=key, content_type="application/pdf")
    session.add(ev)
    session.commit()
    return f"/assessments/evidence/{ev.id}"


@pytest.fixture
def big(backend, world, session):  # noqa: F811
    data = b"%PDF-1.4\n" + os.urandom(SIZE)
    key = backend.put(data)
    return data, key, _evidence(session, world, key, len(data))


@pytest.fixture
def no_whole_reads(monkeypatch):
    """The download path never calls the whole-bytes read, and reads the store in chunks of at most CHUNK."""
    def whole(self, key):
        raise AssertionError("a download read the whole object into memory")

    reads = []
    for cls in (LocalStorage, S3Storage):
        monkeypatch.setattr(cls, "get", whole)
        opened = cls.open

        def recording(self, key, _opened=opened):
            stream = _opened(self, key)
            read = stream.read

            class Recorded:
                def read(self, n=-1):
                    reads.append(n)
                    return read(n)

                def close(self):
                    stream.close()
            return Recorded()
        monkeypatch.setattr(cls, "open", recording)
    return reads


def test_a_multi_megabyte_file_is_streamed_verified_in_bounded_memory(backend, big, login_as, world,  # noqa: F811
                                                                     no_whole_reads):
    data, key, url = big
    client = login_as(world.ent_a_union)
    local = isinstance(backend, LocalStorage)
    if local:  # (the S3 server runs in this process, so its own buffers would count: bounded by the reads below)
        tracemalloc.start()
    resp = client.get(url, buffered=False)
    digest, size, largest = hashlib.sha256(), 0, 0
    for chunk in resp.response:
        digest.update(chunk)
        size += len(chunk)
        largest = max(largest, len(chunk))
    resp.close()
    if local:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 3 * 1024 * 1024, peak
    assert resp.status_code == 200 and digest.hexdigest() == key and size == len(data)
    assert resp.headers["Content-Length"] == str(len(data)) and resp.headers["ETag"] == f'"{key}"'
    assert resp.headers["Content-Disposition"].startswith("attachment; filename=download.pdf; filename*=UTF-8''")
    assert "no-store" in resp.headers["Cache-Control"] and resp.headers["Accept-Ranges"] == "bytes"
    assert largest <= 1024 * 1024
    assert no_whole_reads and all(0 < n <= CHUNK for n in no_whole_reads) and len(no_whole_reads) > SIZE // CHUNK


def test_a_corrupt_large_file_is_refused_before_any_of_it_is_sent(backend, big, login_as, world):  # noqa: F811
    data, key, url = big
    tampered = b"%PDF-1.4\nTAMPERED" + data[17:]
    if isinstance(backend, LocalStorage):
        (backend.root / key[:2] / key).write_bytes(tampered)
    else:
        backend.client.put_object(Bucket=backend.bucket, Key=backend._name(key), Body=tampered)
    resp = login_as(world.ent_a_union).get(url)
    body = resp.get_data()
    assert resp.status_code == 500 and resp.mimetype == "text/html"
    assert "校验值" in body.decode("utf-8") and b"TAMPERED" not in body and len(body) < 100_000
    assert "attachment" not in resp.headers.get("Content-Disposition", "")


def test_range_and_conditional_requests_are_answered_from_the_verified_copy(backend, big, login_as, world):  # noqa: F811
    data, key, url = big
    client = login_as(world.ent_a_union)
    part = client.get(url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == data[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    tail = client.get(url, headers={"Range": f"bytes={len(data) - 10}-"})
    assert tail.status_code == 206 and tail.data == data[-10:]
    same = client.get(url, headers={"If-None-Match": f'"{key}"'})
    assert same.status_code == 304 and same.data == b""
    other = client.get(url, headers={"If-None-Match": '"0000"'})
    assert other.status_code == 200 and len(other.data) == len(data)
    beyond = client.get(url, headers={"Range": f"bytes={len(data) + 10}-{len(data) + 20}"})
    assert beyond.status_code == 416 and "字节范围" in beyond.get_data(as_text=True)
