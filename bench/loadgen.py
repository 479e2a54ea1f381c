"""Closed-loop HTTP load for bench_submit.py, run as its own process; prints one JSON line.

    python bench/loadgen.py URL --seconds 10 --connections 64 [--body-file F] [--cookie C] [--key-prefix P]

Each of ``--connections`` loops POSTs the form body plus ``&_key=<prefix>-<loop>-<n>`` (a fresh submission
key per request), waits for the whole answer, then sends the next. When the time is up no loop starts a new
request, and every request already sent is waited for (at most ``--timeout`` seconds), so each request the
server answered is counted: ``acknowledged`` (the expected status) can be compared with the rows stored.

One new connection per request, ``Connection: close``: gunicorn's sync workers close after every answer
anyway, and a phone submitting once does the same. Plain asyncio sockets, no HTTP library, so the client
costs little of the CPU the servers share with it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
import urllib.parse


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 answer to the end; its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length is None:
        await reader.read()  # until the server closes
    elif length:
        await reader.readexactly(length)
    return status


class Load:
    def __init__(self, url: str, body: bytes, cookie: str, prefix: str, expect: set[int], timeout: float):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname, parts.port or 80, parts.path or "/"
        self.body, self.cookie, self.prefix, self.expect, self.timeout = body, cookie, prefix, expect, timeout
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors = {"connect": 0, "read": 0, "timeout": 0}
        self.sent = 0

    def request(self, key: str) -> bytes:
        body = self.body + b"&_key=" + key.encode()
        head = (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nConnection: close\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
                + (f"Cookie: {self.cookie}\r\n" if self.cookie else "") + "\r\n")
        return head.encode() + body

    async def one(self, key: str) -> None:
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)
        except (OSError, asyncio.TimeoutError):
            self.errors["connect"] += 1
            return
        self.sent += 1
        try:
            writer.write(self.request(key))
            status = await asyncio.wait_for(read_response(reader), self.timeout)
        except asyncio.TimeoutError:
            self.errors["timeout"] += 1
            return
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            self.errors["read"] += 1
            return
        finally:
            writer.close()
        self.latencies.append(time.perf_counter() - start)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    async def loop(self, index: int, deadline: float) -> None:
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            await self.one(f"{self.prefix}-{index}-{n}")

    async def run(self, seconds: float, connections: int) -> dict:
        start = time.perf_counter()
        await asyncio.gather(*(self.loop(i, start + seconds) for i in range(connections)))
        elapsed = time.perf_counter() - start  # includes waiting for the last answers: none is dropped
        lat = sorted(self.latencies)
        ok = sum(n for status, n in self.statuses.items() if status in self.expect)
        return {"sent": self.sent, "acknowledged": ok, "seconds": elapsed, "rps": ok / elapsed,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())}, **self.errors,
                "errors": sum(self.errors.values()) + sum(self.statuses.values()) - ok,
                "p50_ms": percentile(lat, 50) * 1000, "p99_ms": percentile(lat, 99) * 1000}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--body-file")
    ap.add_argument("--cookie", default="")
    ap.add_argument("--key-prefix", default="bench")
    ap.add_argument("--expect", default="303", help="statuses that acknowledge an answer, comma-separated")
    ap.add_argument("--timeout", type=float, default=10)
    args = ap.parse_args()
    body = open(args.body_file, "rb").read() if args.body_file else b""
    load = Load(args.url, body, args.cookie, args.key_prefix, {int(s) for s in args.expect.split(",")}, args.timeout)
    print(json.dumps(asyncio.run(load.run(args.seconds, args.connections))), flush=True)


if __name__ == "__main__":
    main()
