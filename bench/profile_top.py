"""Summarise a py-spy ``--format raw`` profile (collapsed stacks) of gunicorn workers: where the time goes."""
from __future__ import annotations

import re
import sys
from collections import Counter

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _where(frame: str) -> tuple[str, str]:
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip(), ""
    path = m["file"]
    for marker in ("site-packages/", "/lib/python3.11/", "/work/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return m["func"], path


def stacks(path: str):
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line:
            continue
        frames, _, count = line.rpartition(" ")
        yield [_where(f) for f in frames.split(";")], int(count)


def summary(path: str, top: int = 12) -> str:
    inclusive, own, total = Counter(), Counter(), 0
    for frames, n in stacks(path):
        names = [f"{func} ({file})" for func, file in frames if file]
        if not any("handle_request" in x for x in names):
            continue  # the arbiter and workers waiting in accept/select
        total += n
        for name in set(names):
            inclusive[name] += n
        if names:
            own[names[-1]] += n
    if not total:
        return "  (no samples in a request)"
    lines = [f"  {total} samples inside requests (wall time: waiting for PostgreSQL and Redis counts)",
             "  our code, inclusive (the call and everything under it):"]
    lines += [f"    {100 * n / total:5.1f} %  {name}" for name, n in inclusive.most_common()
              if ("evalsite/" in name or "surveys/" in name) and not name.startswith("submit ")][:top]
    lines.append("  self (the frame itself):")
    lines += [f"    {100 * n / total:5.1f} %  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12))
