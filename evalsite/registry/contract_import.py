"""The contracts import's row rules: one enterprise collective contract with its bargaining record per row.

Enterprises are found by credit code; every row is then checked by the same
``contract_rules.check`` as a contract typed into the form (errors refuse the
row, lawful-procedure warnings are shown). No database here: the service
builds ``ContractLookups``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..models.contracts import CONTRACT_KINDS, OFFER_BY, REVIEW_RESULTS
from . import contract_rules
from .import_aliases import Vocabulary, vocabulary
from .import_cells import NameMatcher, credit_code, parse_date, parse_decimal, parse_int, yes_no
from .import_header import TableSpec
from .import_preview import Change, Preview, RowCheck

# heading -> (field, parser kind, limit key or text length)
COLUMNS = {
    "统一社会信用代码": ("credit_code", "code", None), "企业名称": ("enterprise_name", "text", 200),
    "合同种类": ("kind", "kind", None), "合同名称": ("title", "text", 200),
    "职工方签约主体": ("worker_signatory", "text", 200), "企业方签约主体": ("employer_signatory", "text", 200),
    "要约方": ("offer_by", "offer_by", None), "要约日期": ("offer_date", "date", None),
    "书面答复日期": ("reply_date", "date", None), "是否书面答复": ("reply_written", "yes_no", None),
    "职工方代表人数": ("worker_reps", "int", "reps"), "企业方代表人数": ("employer_reps", "int", "reps"),
    "首席代表是否工会主席": ("worker_chief_is_chair", "yes_no", None),
    "职代会审议日期": ("congress_date", "date", None), "职代会应到人数": ("congress_members", "int", "congress"),
    "出席人数": ("congress_present", "int", "congress"), "赞成人数": ("congress_in_favour", "int", "congress"),
    "签订日期": ("signing_date", "date", None), "报送审查日期": ("submitted_date", "date", None),
    "审查结果": ("review_result", "review", None), "生效日期": ("effective_date", "date", None),
    "合同期限（年）": ("term_years", "decimal1", "term_years"), "向职工公布日期": ("published_date", "date", None),
    "覆盖职工人数": ("covered_workers", "int", "covered_workers"),
    "工资调整幅度（%）": ("wage_increase_pct", "decimal2", "wage_increase_pct"),
    "最低工资标准（元/月）": ("min_wage", "decimal2", "money"), "计件单价（元）": ("piece_rate", "decimal2", "money"),
    "协商会议日期": ("meetings", "meetings", None), "备注": ("notes", "text", 2000),
}
HEADERS = tuple(COLUMNS)
REQUIRED = ("统一社会信用代码", "合同种类")
CONTRACTS = TableSpec("集体合同", HEADERS, REQUIRED, "统一社会信用代码")
LABELS = {f: h for h, (f, _, _) in COLUMNS.items()}
KIND_TITLES = {"comprehensive": "集体合同", "wage": "工资专项集体合同", "female": "女职工权益保护专项集体合同"}
MAX_MEETINGS = 30
_SPLIT = re.compile(r"[、，,;；\s]+")
_ONLINE = re.compile(r"[(（]?线上[)）]?$")


@dataclass
class ContractLookups:
    enterprises: dict[str, dict]  # credit code -> {"id", "name", "unit_id", "industry_id", "headcount", "new_form"}
    unit_names: dict[int, str]
    contracts: dict[tuple[int, str], dict]  # (enterprise id, title) -> {"id", field: value, "meetings": [...]}
    allowed_unit_ids: set[int] | None = None
    local_min_wage: Decimal | None = None
    vocab: Vocabulary = field(default_factory=vocabulary)

    def matcher(self, kind: str) -> NameMatcher:
        table, label = {"kind": (CONTRACT_KINDS, "合同种类"), "offer_by": (OFFER_BY, "要约方"),
                        "review": (REVIEW_RESULTS, "审查结果")}[kind]
        aliases = self.vocab.codes[{"kind": "contract_kinds", "offer_by": "offer_by", "review": "review_results"}[kind]]
        return NameMatcher(label, {text: code for code, text in table.items()}, aliases, {c: c for c in table})


def parse_meetings(raw: str, years) -> tuple[list[tuple], str | None]:
    """"2021-03-15、2021-03-22（线上）" -> [(date, online), ...]."""
    meetings = []
    for piece in (p for p in _SPLIT.split(raw.strip()) if p):
        online = bool(_ONLINE.search(piece))
        day, error = parse_date(_ONLINE.sub("", piece), "协商会议日期", years)
        if error:
            return [], error
        meetings.append((day, online))
    if len(meetings) > MAX_MEETINGS:
        return [], f"协商会议日期最多填写{MAX_MEETINGS}次"
    return sorted(set(meetings)), None


def _cell(row: RowCheck, heading: str, lk: ContractLookups, matchers: dict) -> None:
    field_, kind, limit = COLUMNS[heading]
    raw = row.raw.get(heading, "")
    if not raw or kind == "code":
        return
    limits, value, error, note = lk.vocab.limits, None, None, None
    if kind == "text":
        value, error = raw, (f"{heading}过长（最多{limit}字）" if len(raw) > limit else None)
    elif kind == "date":
        value, error = parse_date(raw, heading, limits["year"])
    elif kind == "yes_no":
        value, error = yes_no(raw, heading, required=False)
    elif kind == "int":
        value, error = parse_int(raw, heading, limits[limit], kind="不小于0的整数")
    elif kind.startswith("decimal"):
        value, error = parse_decimal(raw, heading, limits[limit], places=int(kind[-1]))
    elif kind == "meetings":
        value, error = parse_meetings(raw, limits["year"])
    else:
        value, error, note = matchers[kind].match(raw)
    if error:
        row.errors.append(error)
    else:
        row.values[field_] = value
        if note:
            row.notes.append(note)


def _enterprise(row: RowCheck, lk: ContractLookups) -> dict | None:
    check, notes = credit_code(row.raw.get("统一社会信用代码", ""))
    row.notes.extend(notes)
    if not check.ok:
        row.errors.append(check.error)
        return None
    ent = lk.enterprises.get(check.code)
    if ent is None:
        row.errors.append(f"平台内没有统一社会信用代码为 {check.code} 的企业：请先在企业名录中登记（可用名录导入）")
        return None
    if lk.allowed_unit_ids is not None and ent["unit_id"] not in lk.allowed_unit_ids:
        row.errors.append(f"该企业（{ent['name']}）登记在{lk.unit_names.get(ent['unit_id'], '其他单位')}，"
                          "不在您管理的范围内，不能为其导入集体合同")
        return None
    name = row.raw.get("企业名称", "")
    if name and name != ent["name"]:
        row.notes.append(f"企业名称与平台登记的“{ent['name']}”不一致，按统一社会信用代码导入")
    elif not name:
        row.raw["企业名称"] = ent["name"]  # shown in the preview and the corrections sheet
    return ent


def _title(values: dict, ent: dict) -> str:
    day = values.get("signing_date") or values.get("effective_date") or values.get("offer_date")
    return f"{ent['name']}{str(day.year) + '年' if day else ''}{KIND_TITLES[values['kind']]}"


def _check_one(row: RowCheck, lk: ContractLookups, matchers: dict, seen: dict) -> None:
    ent = _enterprise(row, lk)
    if not row.raw.get("合同种类"):
        row.errors.append("合同种类不能为空（综合集体合同、工资专项集体合同或女职工专项集体合同）")
    for heading in HEADERS:
        _cell(row, heading, lk, matchers)
    row.values.pop("enterprise_name", None)
    if ent is None or row.errors:
        return
    v = row.values
    if "title" not in v:
        v["title"] = _title(v, ent)
        row.notes.append(f"合同名称未填，按“{v['title']}”导入")
    row.key = f"{ent['id']}:{v['title']}"
    if row.key in seen:
        row.errors.append(f"与第{seen[row.key]}行是同一企业的同名合同")
        return
    seen[row.key] = row.line
    old = lk.contracts.get((ent["id"], v["title"]))
    merged = {**(old or {}), **{k: x for k, x in v.items() if k != "meetings"}}
    if old is None and merged.get("covered_workers") is None:
        v["covered_workers"] = merged["covered_workers"] = ent["headcount"]
        row.notes.append(f"覆盖职工人数未填，按企业职工人数{ent['headcount']}人导入")
    rules = contract_rules.check(merged, new_form=ent["new_form"], linked_enterprises=0,
                                 local_min_wage=lk.local_min_wage)
    row.errors.extend(m for messages in rules.errors.values() for m in messages)
    row.notes.extend("提示：" + w for w in rules.warnings)
    v["enterprise"] = ent
    if not row.errors:
        _classify(row, old)


def _shown(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(f"{d.isoformat()}{'（线上）' if online else ''}" for d, online in value) or "（无）"
    labels = {**CONTRACT_KINDS, **OFFER_BY, **REVIEW_RESULTS}
    return "（空）" if value in (None, "") else labels.get(value, str(value)) if isinstance(value, str) else str(value)


def _classify(row: RowCheck, old: dict | None) -> None:
    if old is None:
        row.action = "create"
        return
    row.target_id = old["id"]
    for key, new in row.values.items():
        if key in LABELS and old.get(key) != new and not (key == "meetings" and sorted(old.get(key) or []) == new):
            row.changes.append(Change(LABELS[key], _shown(old.get(key)), _shown(new)))
    row.action = "update" if row.changes else "unchanged"


def check_rows(rows: list[tuple[int, dict]], lookups: ContractLookups, warnings=None) -> Preview:
    matchers = {kind: lookups.matcher(kind) for kind in ("kind", "offer_by", "review")}
    seen: dict[str, int] = {}
    checked = []
    for line, raw in rows:
        row = RowCheck(line=line, raw=raw)
        _check_one(row, lookups, matchers, seen)
        checked.append(row)
    return Preview(checked, list(warnings or []), noun="份")
