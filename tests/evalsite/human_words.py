"""What counts as an internal code leaking to a reader (issue 10 item 7), shared by the page and PDF scans."""
from __future__ import annotations

import re
from html.parser import HTMLParser

CJK = re.compile(r"[\u4e00-\u9fff》」”）★]")
PROBLEM_CODE = re.compile(r"P-[A-Z]+-\d\d")
CHECKS = [
    ("status or kind key", re.compile(
        r"(?<![\w./-])(open|submitted|accepted|returned|draft|approved|issued|superseded|revoked|in_progress|"
        r"locked|reminder|opinion|recommendation|partial|full|none|pass|fail|unknown|system|union|management|"
        r"worker|employer|both|city_admin|district_admin|evaluator|enterprise)(?![\w/-])")),
    ("formula", re.compile(r"clip\(|\bfull\s*=|\bnone\s*=|\bpartial\s*=")),
    ("column code", re.compile(r"(?<![\w-])[cd]\d{2}(?![\w-])")),
    ("audit action", re.compile(r"(?<![\w./])[a-z_]{3,}\.[a-z_]{3,}(?![\w./(])")),
]


def problem_code_leaks(text: str) -> list[str]:
    """A problem code is allowed only as a small reference after Chinese text: ``…文字（P-PROC-01）``."""
    bad = []
    for m in PROBLEM_CODE.finditer(text):
        before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 1]
        # the reference may sit in its own element (a line of its own in the visible text)
        lead = before[:-1].rstrip() if before.endswith("（") else ""
        if not (lead and CJK.match(lead[-1]) and after == "）"):
            bad.append(text[max(0, m.start() - 15):m.end() + 5])
    return bad


def leaks(text: str) -> list[str]:
    found = [f"problem code: {s!r}" for s in problem_code_leaks(text)]
    for name, rx in CHECKS:
        for m in rx.finditer(text):
            found.append(f"{name}: {text[max(0, m.start() - 20):m.end() + 20]!r}")
    return found


class _Visible(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    SKIP = {"script", "style", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"[ \t]+", " ", "\n".join(p.strip() for p in parser.parts if p.strip()))
