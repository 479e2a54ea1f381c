"""One cell of an import as a value, or a Chinese message saying what is wrong with it.

Numbers as clerks write them ("120人", "1,200", "１２０", "1.2万"), with a bound
on every one; dates in the usual Chinese spellings; 是/否; names of units and
industries matched through the alias table with "did you mean" suggestions;
credit codes with hints for the usual Excel accidents. No database here.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..creditcode import CodeCheck, validate as validate_code
from .import_aliases import Vocabulary, squash

YES_NO = {"是": True, "否": False, "Y": True, "N": False, "YES": True, "NO": False, "1": True, "0": False,
          "√": True, "×": False, "已建": True, "未建": False, "TRUE": True, "FALSE": False}
UNIT_WORDS = ("人", "名", "个", "家", "元/月", "元/件", "元/单", "元", "年", "%", "％")
SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$")
DATE_RE = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")


def _plain_number(raw: str) -> tuple[str | None, str | None]:
    """The digits of a number as ASCII text ("1,200人" -> "1200"), or (None, the offending character)."""
    text = "".join(str(raw).split())
    for word in UNIT_WORDS:
        if text.endswith(word):
            text = text[: -len(word)]
            break
    wan = text.endswith("万")
    if wan:
        text = text[:-1]
    out = []
    for ch in text:
        if ch in ",，、'":
            continue
        if ch in ".．":
            out.append(".")
        elif ch in "-－−":
            out.append("-")
        elif ch.isdecimal():  # ASCII and full-width digits; not ② or Ⅲ
            out.append(str(unicodedata.decimal(ch)))
        elif ch in "eE+":
            out.append(ch.upper())
        else:
            return None, ch
    number = "".join(out)
    if not number or number in ("-", "."):
        return None, text or str(raw)
    if wan:
        try:
            number = str(Decimal(number) * 10000)
        except InvalidOperation:
            return None, number
    return number, None


def _number(raw: str, label: str, required: bool, kind: str = "数字") -> tuple[Decimal | None, str | None]:
    if not str(raw).strip():
        return None, (f"{label}不能为空" if required else None)
    number, error = _plain_number(raw)
    try:
        value = None if error else Decimal(number)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        odd = next((ch for ch in str(raw) if not ch.isdecimal() and ch in error), "") if error else ""
        return None, f"{label}应为{kind}，当前为“{raw}”" + (f"（“{odd}”不是阿拉伯数字）" if odd.isdigit() else "")
    return value, None


def _out_of(label: str, raw: str, bounds) -> str:
    return f"{label}应在{_show(bounds[0])}至{_show(bounds[1])}之间，当前为“{raw}”"


def parse_decimal(raw: str, label: str, bounds: tuple[float, float], required: bool = False,
                  places: int = 2) -> tuple[Decimal | None, str | None]:
    value, error = _number(raw, label, required)
    if error or value is None:
        return None, error
    if not Decimal(str(bounds[0])) <= value <= Decimal(str(bounds[1])):
        return None, _out_of(label, raw, bounds)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        return None, f"{label}最多保留{places}位小数，当前为“{raw}”"
    return value, None


def parse_int(raw: str, label: str, bounds: tuple[float, float], required: bool = False,
              kind: str = "整数") -> tuple[int | None, str | None]:
    """A whole number within bounds; below the lower bound or fractional: "应为{kind}"."""
    value, error = _number(raw, label, required, kind)
    if error or value is None:
        return None, error
    if value > Decimal(str(bounds[1])):
        return None, _out_of(label, raw, bounds)
    if value != value.to_integral_value() or value < Decimal(str(bounds[0])):
        return None, f"{label}应为{kind}，当前为“{raw}”"
    return int(value), None


def _show(number) -> str:
    return f"{int(number):,}" if float(number).is_integer() else str(number)


def parse_date(raw: str, label: str, years: tuple[float, float]) -> tuple[dt.date | None, str | None]:
    text = squash(raw)
    if not text:
        return None, None
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    elif text.isdigit() and 20000 <= int(text) <= 80000:  # an Excel date serial shown as a number
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(text)), None
    m = DATE_RE.match(text)
    if not m:
        return None, f"{label}“{raw}”不是日期，请写成 2021-03-15 或 2021年3月15日"
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None, f"{label}“{raw}”不是有效的日期（没有这一天）"
    if not years[0] <= day.year <= years[1]:
        return None, f"{label}“{raw}”的年份应在{int(years[0])}至{int(years[1])}年之间"
    return day, None


def yes_no(raw: str, label: str, required: bool = True) -> tuple[bool | None, str | None]:
    text = squash(raw).upper()
    if not text:
        return None, (f"{label}不能为空，请填写“是”或“否”" if required else None)
    value = YES_NO.get(text)
    if value is None:
        return None, f"{label}应填写“是”或“否”，当前为“{raw}”"
    return value, None


class NameMatcher:
    """A column of names (units, industries, contract kinds) resolved through real names, codes and aliases."""

    def __init__(self, label: str, names: dict[str, object], aliases: dict[str, tuple[str, ...]],
                 codes: dict[str, object] | None = None, prefixes: tuple[str, ...] = ()):
        self.label, self.prefixes = label, prefixes
        self.real = {squash(n): (n, key) for n, key in names.items()}
        self.lookup: dict[str, tuple[str, object]] = dict(self.real)
        for code, key in (codes or {}).items():
            name = next((n for n, k in self.real.values() if k == key), code)
            self.lookup.setdefault(squash(code).upper(), (name, key))
        for name, words in aliases.items():
            if name in self.real:
                for word in words:
                    self.lookup.setdefault(word, self.real[name])

    def _strip(self, text: str) -> str:
        for prefix in self.prefixes:
            if text.startswith(prefix) and len(text) > len(prefix):
                return text[len(prefix):]
        return text

    def match(self, raw: str) -> tuple[object | None, str | None, str | None]:
        """(key, error, note): the note says which real name an alias was read as."""
        text = squash(raw)
        hit = self.lookup.get(text) or self.lookup.get(text.upper()) or self.lookup.get(self._strip(text))
        if hit is not None:
            name, key = hit
            return key, None, (None if name == str(raw).strip() else f"{self.label}“{raw}”按“{name}”导入")
        pool = list(self.lookup)
        close = difflib.get_close_matches(self._strip(text), pool, n=6, cutoff=0.5)
        close += [w for w in pool if len(text) >= 2 and (text in w or w in text) and w not in close]
        names = list(dict.fromkeys(self.lookup[w][0] for w in close))[:3]
        hint = ("，您是不是要填“" + "”或“".join(names) + "”？") if names else "，请填写平台中的名称"
        return None, f"{self.label}“{raw}”不存在{hint}", None


def unit_matcher(vocab: Vocabulary, names: dict[str, object], codes: dict[str, object]) -> NameMatcher:
    return NameMatcher("所属区市", names, vocab.units, codes, vocab.unit_prefixes)


def is_city(vocab: Vocabulary, raw: str) -> bool:
    return squash(raw) in vocab.city_names


def city_message(raw: str, example: str | None) -> str:
    return (f"所属区市不能填“{raw}”：“{raw}”是全市，企业须登记在一个区市、开发区或市直工会下"
            f"（例如“{example or '环翠区'}”），否则不会计入附件1")


def credit_code(raw: str) -> tuple[CodeCheck, list[str]]:
    """The check of a code after removing spaces inside it, with hints for old numbers and Excel damage."""
    text = str(raw or "").strip()
    squashed = squash(text)
    notes = ["已去除代码中的空格"] if any(ch.isspace() for ch in text) else []
    check = validate_code(squashed)
    if check.ok:
        return check, notes
    upper = squashed.upper()
    if SCIENTIFIC.match(upper):
        message = (f"统一社会信用代码被 Excel 写成了科学计数法（{text}），后几位已丢失：请把该列设为“文本”格式，"
                   "再从营业执照重新录入18位代码")
    elif upper.isdigit() and len(upper) == 15:
        message = ("这是15位的旧工商注册号，不是统一社会信用代码：请改填营业执照上的18位代码"
                   "（可在国家企业信用信息公示系统查询）")
    elif re.fullmatch(r"[0-9A-Z]{8}-?[0-9X]", upper):
        message = "这是9位的组织机构代码，不是统一社会信用代码：请改填营业执照上的18位代码"
    elif notes and check.error:
        message = check.error + "（已去除代码中的空格后检查）"
    else:
        return check, notes
    return CodeCheck(check.code, message), notes
