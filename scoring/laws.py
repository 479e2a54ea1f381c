"""Legal articles cited by the supervision letters (一函两书), from rules/laws.yaml.

A problem rule names the articles it rests on (``laws: ["集体合同规定 42"]``);
a letter about that problem quotes them: ``《集体合同规定》第四十二条：……``.
Validated at load: every reference must name a law and article in the file.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

LAWS_FILE = Path(__file__).parent / "rules" / "laws.yaml"
_REF = re.compile(r"^\s*(\S+)\s+(\d{1,3})\s*$")
DIGITS = "零一二三四五六七八九"


class LawsError(ValueError):
    """laws.yaml is invalid or a rule cites an article it does not hold."""


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 42 → 四十二, 105 → 一百零五 (article numbers as statutes write them)."""
    if not 0 < n < 1000:
        raise ValueError(f"条文序号 {n} 超出范围")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    if ones:
        out += DIGITS[ones]
    return out


@dataclass(frozen=True)
class Article:
    law: str       # key, e.g. 集体合同规定
    title: str     # 《集体合同规定》
    number: int
    text: str

    @property
    def ref(self) -> str:
        return f"{self.law} {self.number}"

    @property
    def citation(self) -> str:
        """《集体合同规定》第四十二条"""
        return f"{self.title}第{cn_numeral(self.number)}条"

    @property
    def quoted(self) -> str:
        """The citation followed by the article's text, as a letter prints it."""
        return f"{self.citation}：{self.text}"


@dataclass(frozen=True)
class Laws:
    articles: dict[str, Article]

    def get(self, ref: str) -> Article:
        key = normalise_ref(ref)
        if key not in self.articles:
            raise LawsError(f"法律条文 {ref} 不在 {LAWS_FILE.name} 中")
        return self.articles[key]

    def cite(self, refs: Iterable[str]) -> list[Article]:
        seen, out = set(), []
        for ref in refs:
            art = self.get(ref)
            if art.ref not in seen:
                seen.add(art.ref)
                out.append(art)
        return out


def normalise_ref(ref: str) -> str:
    m = _REF.match(str(ref))
    if not m:
        raise LawsError(f"法律条文引用 {ref!r} 应形如 “集体合同规定 42”")
    return f"{m.group(1)} {int(m.group(2))}"


def parse_laws(text: str, source: str = "laws.yaml") -> Laws:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LawsError(f"{source}：YAML 解析失败：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("laws"), dict) or not data["laws"]:
        raise LawsError(f"{source}：缺少 laws 表")
    articles: dict[str, Article] = {}
    for key, law in data["laws"].items():
        if not isinstance(law, dict) or not str(law.get("title") or "").startswith("《"):
            raise LawsError(f"{source} {key}：title 应为书名号括起的法规名称")
        arts = law.get("articles")
        if not isinstance(arts, dict) or not arts:
            raise LawsError(f"{source} {key}：缺少 articles")
        for number, body in arts.items():
            if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
                raise LawsError(f"{source} {key}：条文序号 {number!r} 应为正整数")
            # folded YAML lines join with spaces; Chinese statute text has none
            clean = re.sub(r"\s+", "", str(body or ""))
            if not clean:
                raise LawsError(f"{source} {key} 第{number}条：缺少条文内容")
            art = Article(str(key), str(law["title"]), number, clean)
            articles[art.ref] = art
    return Laws(articles)


@functools.lru_cache(maxsize=1)
def default_laws() -> Laws:
    return parse_laws(LAWS_FILE.read_text(encoding="utf-8"), LAWS_FILE.name)
