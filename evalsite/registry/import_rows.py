"""The registry import's row rules: one enterprise per row, checked against ``Lookups`` (no database).

The service builds the lookups from the database, so the web upload and the
``import-registry`` command share exactly these checks.
"""
from __future__ import annotations

from dataclasses import dataclass

from .common import phone_ok
from .import_aliases import Vocabulary, squash, vocabulary
from .import_cells import NameMatcher, city_message, credit_code, is_city, parse_int, yes_no
from .import_preview import Change, Preview, RowCheck

OPTIONAL_FIELDS = {"工会主席": ("union_chair", 50), "工会主席电话": ("union_chair_phone", 30),
                   "人事联系人": ("hr_contact", 50), "人事联系电话": ("hr_contact_phone", 30),
                   "地址": ("address", 300)}
PHONE_COLUMNS = ("工会主席电话", "人事联系电话")
NAME_MAX = 200
LABELS = {"name": "企业名称", "unit_id": "所属区市", "industry_id": "行业", "headcount": "职工人数",
          "unionised": "是否建会", "above_size": "是否规上",
          **{field: header for header, (field, _) in OPTIONAL_FIELDS.items()}}
NEEDS_TICK = ("name", "unit_id")  # a rename or a move to another district is confirmed row by row


@dataclass
class Lookups:
    units: NameMatcher  # reporting units other than the city -> id
    unit_names: dict[int, str]
    industries: NameMatcher
    industry_names: dict[int, str]
    existing: dict[str, dict]  # credit code -> {"id", "unit_id", compared fields...}
    allowed_unit_ids: set[int] | None = None  # None: any unit (city administrator, CLI)
    city_names: frozenset[str] = frozenset()  # refused as a district
    vocab: Vocabulary | None = None


def _check_code(row: RowCheck, raw: str, seen: dict[str, int]) -> None:
    check, notes = credit_code(raw)
    row.notes.extend(notes)
    if not check.ok:
        row.errors.append(check.error)
    else:
        if check.note:
            row.notes.append(f"统一社会信用代码{check.note}")
        if check.warning:
            row.notes.append(check.warning)
        if check.code in seen:
            row.errors.append(f"统一社会信用代码与第{seen[check.code]}行重复")
        else:
            seen[check.code] = row.line
    row.values["credit_code"] = row.key = check.code


def _check_unit(row: RowCheck, lk: Lookups) -> None:
    unit = row.raw.get("所属区市", "")
    if not unit:
        row.errors.append("所属区市不能为空")
        return
    if is_city(lk.vocab, unit) or squash(unit) in lk.city_names:
        allowed = sorted(lk.allowed_unit_ids or [])
        example = lk.unit_names.get(allowed[0]) if allowed else next(iter(lk.unit_names.values()), None)
        row.errors.append(city_message(unit, example))
        return
    unit_id, error, note = lk.units.match(unit)
    if error:
        row.errors.append(error)
    elif lk.allowed_unit_ids is not None and unit_id not in lk.allowed_unit_ids:
        row.errors.append(f"所属区市“{unit}”不在您管理的范围内，只能导入本单位的企业")
    elif note:
        row.notes.append(note)
    row.values["unit_id"] = unit_id


def _check_one(row: RowCheck, lk: Lookups, seen: dict[str, int]) -> None:
    raw, v, limits = row.raw, row.values, lk.vocab.limits
    name = raw.get("企业名称", "")
    if not name:
        row.errors.append("企业名称不能为空")
    elif len(name) > NAME_MAX:
        row.errors.append(f"企业名称过长（{len(name)}字，最多{NAME_MAX}字）")
    v["name"] = name
    _check_code(row, raw.get("统一社会信用代码", ""), seen)
    _check_unit(row, lk)
    industry = raw.get("行业", "")
    v["industry_id"], error, note = lk.industries.match(industry) if industry else (None, "行业不能为空", None)
    row.errors.extend([error] if error else [])
    row.notes.extend([note] if note else [])
    v["headcount"], error = parse_int(raw.get("职工人数", ""), "职工人数", limits["headcount"], True, "正整数")
    row.errors.extend([error] if error else [])
    for header, key in (("是否建会", "unionised"), ("是否规上", "above_size")):
        v[key], error = yes_no(raw.get(header, ""), header)
        row.errors.extend([error] if error else [])
    for header, (field_, limit) in OPTIONAL_FIELDS.items():
        text = raw.get(header, "")
        if not text:
            continue
        if header in PHONE_COLUMNS and not phone_ok(text):
            row.errors.append(f"{header}格式不正确（应为7-20位数字，可含 - 和括号），当前为“{text}”")
        elif len(text) > limit:
            row.errors.append(f"{header}过长（最多{limit}字）")
        v[field_] = text
    if v.get("headcount") is None:
        v.pop("headcount", None)


def _shown(key: str, value, lk: Lookups) -> str:
    if key == "unit_id":
        return lk.unit_names.get(value, "")
    if key == "industry_id":
        return lk.industry_names.get(value, "（未填）")
    if isinstance(value, bool):
        return "是" if value else "否"
    return "（空）" if value in (None, "") else str(value)


def _classify(row: RowCheck, lk: Lookups) -> None:
    old = lk.existing.get(row.values["credit_code"])
    if old is None:
        row.action = "create"
        return
    row.target_id = old["id"]
    if lk.allowed_unit_ids is not None and old["unit_id"] not in lk.allowed_unit_ids:
        row.errors.append(f"该代码的企业已登记在{lk.unit_names.get(old['unit_id'], '其他单位')}，您不能修改")
        return
    for key, new in row.values.items():
        if key != "credit_code" and old.get(key) != new:
            row.changes.append(Change(LABELS[key], _shown(key, old.get(key), lk), _shown(key, new, lk),
                                      key in NEEDS_TICK))
    row.action = "update" if row.changes else "unchanged"


def check_rows(rows: list[tuple[int, dict]], lookups: Lookups, warnings: list[str] | None = None) -> Preview:
    if lookups.vocab is None:
        lookups.vocab = vocabulary()
    seen: dict[str, int] = {}
    checked = []
    for line, raw in rows:
        row = RowCheck(line=line, raw=raw)
        _check_one(row, lookups, seen)
        if not row.errors:
            _classify(row, lookups)
        checked.append(row)
    return Preview(checked, list(warnings or []))
