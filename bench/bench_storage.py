"""Put/get through the file store: the local folder against a local S3 server (moto), figures printed.

    .venv/bin/python bench/bench_storage.py [--size-kb 300] [--rounds 50]

A report PDF is a few hundred KB and an evidence file at most 10 MB; every read hashes the bytes
(SHA-256) before they are sent. Needs ``moto[server]`` (requirements-test.txt) for the S3 column.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evalsite.storage import LocalStorage, storage_from_settings  # noqa: E402


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(store, size: int, rounds: int) -> dict:
    puts, gets = [], []
    for _ in range(rounds):
        data = os.urandom(size)
        t0 = time.perf_counter()
        key = store.put(data)
        t1 = time.perf_counter()
        assert store.get(key) == data
        t2 = time.perf_counter()
        puts.append((t1 - t0) * 1000)
        gets.append((t2 - t1) * 1000)
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]  # noqa: E731
    return {"put p50": statistics.median(puts), "put p99": q(puts, 0.99),
            "get p50": statistics.median(gets), "get p99": q(gets, 0.99)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-kb", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=50)
    args = ap.parse_args()
    size = args.size_kb * 1024
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows["local folder"] = measure(LocalStorage(tmp), size, args.rounds)
    import logging

    from moto.server import ThreadedMotoServer
    import boto3

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto logs every request otherwise
    port = _port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id="b",
                     aws_secret_access_key="b").create_bucket(Bucket="bench")
        store = storage_from_settings({"STORAGE_URL": "s3://bench/files", "STORAGE_ENDPOINT_URL": url,
                                       "STORAGE_ACCESS_KEY": "b", "STORAGE_SECRET_KEY": "b"})
        rows["S3 (moto, loopback)"] = measure(store, size, args.rounds)
    finally:
        server.stop()
    print(f"{args.rounds} rounds of {args.size_kb} KB, milliseconds (load average {os.getloadavg()[0]:.1f})")
    print(f"{'backend':<22}{'put p50':>9}{'put p99':>9}{'get p50':>9}{'get p99':>9}")
    for name, r in rows.items():
        print(f"{name:<22}{r['put p50']:>9.1f}{r['put p99']:>9.1f}{r['get p50']:>9.1f}{r['get p99']:>9.1f}")


if __name__ == "__main__":
    main()
