"""docs/security.md names the tests that check each ASVS chapter: every one it names exists."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_test_named_in_the_security_page_exists():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    refs = re.findall(r"`((?:[a-z_]+/)*test_[a-z0-9_]+\.py)((?:::test_[a-z0-9_]+)?)`", text)
    assert len(refs) >= 40
    missing = []
    for path, name in refs:
        source = ROOT / "tests" / path
        if not source.exists():
            missing.append(path)
        elif name and f"def {name[2:]}(" not in source.read_text(encoding="utf-8"):
            missing.append(path + name)
    # a bare `::test_name` continues the file named just before it
    current = None
    for m in re.finditer(r"`((?:[a-z_]+/)*test_[a-z0-9_]+\.py)(?:::(test_[a-z0-9_]+))?`|`::(test_[a-z0-9_]+)`", text):
        if m.group(1):
            current = m.group(1)
        elif current and f"def {m.group(3)}(" not in (ROOT / "tests" / current).read_text(encoding="utf-8"):
            missing.append(f"{current}::{m.group(3)}")
    assert missing == []
