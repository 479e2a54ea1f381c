"""Registry import: read an XLSX/CSV file and check every row (no database access here).

``read_table`` turns the uploaded bytes into header + rows or raises
``ImportFileError`` with a Chinese message (the view answers 400).
``check_rows`` gives each row its errors in Chinese against ``Lookups`` that
the service builds from the database, so the web upload and the CLI share
exactly the same checks.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from ..creditcode import validate as validate_code
from .common import phone_ok

HEADERS = ("企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数", "是否建会", "是否规上",
           "工会主席", "工会主席电话", "人事联系人", "人事联系电话", "地址")
REQUIRED = HEADERS[:7]
OPTIONAL_FIELDS = {"工会主席": ("union_chair", 50), "工会主席电话": ("union_chair_phone", 30),
                   "人事联系人": ("hr_contact", 50), "人事联系电话": ("hr_contact_phone", 30),
                   "地址": ("address", 300)}
PHONE_COLUMNS = ("工会主席电话", "人事联系电话")
YES_NO = {"是": True, "否": False, "Y": True, "N": False, "1": True, "0": False}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
NAME_MAX = 200
COMPARED = ("name", "unit_id", "industry_id", "headcount", "unionised", "above_size")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (wrong type, empty, no header...)."""


# --- reading ------------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    from .xlsx_reading import check_workbook

    check_workbook(data)  # a DTD, or too many rows, columns or cells: refused before openpyxl parses
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏，请用 Excel 另存为 .xlsx 后重试") from exc
    try:
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append([_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError(f"行数过多（最多{MAX_ROWS}行），请拆分后分批导入")
        return rows
    finally:
        wb.close()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (what Chinese Excel writes)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030 编码")


def _read_csv(data: bytes) -> list[list[str]]:
    text = decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError("CSV 文件格式有误，无法解析") from exc
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(f"行数过多（最多{MAX_ROWS}行），请拆分后分批导入")
    return rows


def read_table(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and data rows as (line number, {header: text}); blank rows skipped."""
    if not data:
        raise ImportFileError("文件为空，请选择填好的企业名录文件")
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"文件过大（超过{MAX_BYTES // 1024 // 1024}MB），请拆分后分批导入")
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    elif ext == "xls" or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportFileError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后上传")
    elif ext in ("csv", "txt"):
        table = _read_csv(data)
    elif ext == "xlsx":
        raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏，请用 Excel 另存为 .xlsx 后重试")
    else:
        raise ImportFileError("只支持 .xlsx 或 .csv 文件，请使用下载的导入模板")
    numbered = [(i, row) for i, row in enumerate(table, start=1) if any(cell for cell in row)]
    if not numbered:
        raise ImportFileError("文件中没有内容")
    header_line, header = numbered[0]
    header = [h.replace(" ", "").replace("*", "") for h in header]
    if not set(header) & set(HEADERS):
        raise ImportFileError("第一行不是表头：请使用导入模板，第一行应为“" + "、".join(HEADERS) + "”")
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise ImportFileError("缺少必填列：" + "、".join(missing) + "（请对照导入模板的表头）")
    rows = []
    for line, cells in numbered[1:]:
        rows.append((line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h in HEADERS}))
    if not rows:
        raise ImportFileError("文件中只有表头，没有企业数据")
    return header, rows


# --- checking -----------------------------------------------------------------------------------

@dataclass
class Lookups:
    units: dict[str, int]  # unit name or code -> id
    unit_names: dict[int, str]
    industries: dict[str, int]  # industry name or code -> id
    existing: dict[str, dict]  # credit code -> {"id", "unit_id", compared fields...}
    allowed_unit_ids: set[int] | None = None  # None: any unit (city administrator, CLI)


@dataclass
class RowCheck:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    action: str = ""  # create | update | unchanged (rows without errors)
    enterprise_id: int | None = None


@dataclass
class Preview:
    rows: list[RowCheck]

    @property
    def bad_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.bad_rows

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if not r.errors and r.action == action)

    @property
    def counts(self) -> dict:
        return {"created": self.count("create"), "updated": self.count("update"),
                "unchanged": self.count("unchanged"), "errors": len(self.bad_rows)}


def _yes_no(raw: str, label: str, row: RowCheck):
    value = YES_NO.get(raw.strip().upper())
    if value is None:
        row.errors.append(f"{label}应填写“是”或“否”，当前为“{raw}”" if raw else f"{label}不能为空，请填写“是”或“否”")
    return value


def _check_one(row: RowCheck, lk: Lookups, seen: dict[str, int]) -> None:
    raw, v = row.raw, row.values
    name = raw.get("企业名称", "")
    if not name:
        row.errors.append("企业名称不能为空")
    elif len(name) > NAME_MAX:
        row.errors.append(f"企业名称过长（{len(name)}字，最多{NAME_MAX}字）")
    v["name"] = name
    code_raw = raw.get("统一社会信用代码", "")
    check = validate_code(code_raw)
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
    v["credit_code"] = check.code
    unit = raw.get("所属区市", "")
    v["unit_id"] = lk.units.get(unit)
    if not unit:
        row.errors.append("所属区市不能为空")
    elif v["unit_id"] is None:
        row.errors.append(f"所属区市“{unit}”不存在，请填写平台中的填报单位名称或代码")
    elif lk.allowed_unit_ids is not None and v["unit_id"] not in lk.allowed_unit_ids:
        row.errors.append(f"所属区市“{unit}”不在您管理的范围内，只能导入本单位的企业")
    industry = raw.get("行业", "")
    v["industry_id"] = lk.industries.get(industry)
    if not industry:
        row.errors.append("行业不能为空")
    elif v["industry_id"] is None:
        row.errors.append(f"行业“{industry}”不存在，请填写平台中的行业名称")
    headcount = raw.get("职工人数", "")
    if not headcount.isdigit() or int(headcount) <= 0:
        row.errors.append(f"职工人数应为正整数，当前为“{headcount}”" if headcount else "职工人数不能为空")
    else:
        v["headcount"] = int(headcount)
    v["unionised"] = _yes_no(raw.get("是否建会", ""), "是否建会", row)
    v["above_size"] = _yes_no(raw.get("是否规上", ""), "是否规上", row)
    for header, (name_, limit) in OPTIONAL_FIELDS.items():
        text = raw.get(header, "")
        if not text:
            continue
        if header in PHONE_COLUMNS and not phone_ok(text):
            row.errors.append(f"{header}格式不正确（应为7-20位数字，可含 - 和括号），当前为“{text}”")
        elif len(text) > limit:
            row.errors.append(f"{header}过长（最多{limit}字）")
        v[name_] = text


def _classify(row: RowCheck, lk: Lookups) -> None:
    old = lk.existing.get(row.values["credit_code"])
    if old is None:
        row.action = "create"
        return
    row.enterprise_id = old["id"]
    if lk.allowed_unit_ids is not None and old["unit_id"] not in lk.allowed_unit_ids:
        row.errors.append(f"该代码的企业已登记在{lk.unit_names.get(old['unit_id'], '其他单位')}，您不能修改")
        return
    changed = any(old.get(k) != row.values.get(k) for k in row.values if k != "credit_code")
    row.action = "update" if changed else "unchanged"


def check_rows(rows: list[tuple[int, dict]], lookups: Lookups) -> Preview:
    seen: dict[str, int] = {}
    checked = []
    for line, raw in rows:
        row = RowCheck(line=line, raw=raw)
        _check_one(row, lookups, seen)
        if not row.errors:
            _classify(row, lookups)
        checked.append(row)
    return Preview(checked)
