"""Import templates (with drop-down lists for the coded columns) and corrections sheets, as XLSX.

The lists live on a hidden sheet 选项 and each coded column of the first sheet
gets an openpyxl ``DataValidation`` pointing at its list, so a clerk picks
"环翠区" or "工资专项集体合同" instead of typing it. The credit-code column is
formatted as text so Excel never turns a code into 9.13710E+17. Every text
cell written goes through ``neutralise`` (no formula from a name).
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..spreadsheets import neutralise
from .importer import HEADERS, REQUIRED

TEMPLATE_ROWS = 2000  # rows given drop-downs and the text format
YES_NO = ["是", "否"]


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_row(ws, headers, required=()) -> None:
    ws.append(list(headers))
    for i, cell in enumerate(ws[1]):
        cell.font = Font(bold=True, color="C00000" if headers[i] in required else None)
        ws.column_dimensions[get_column_letter(i + 1)].width = max(12, len(headers[i]) * 2 + 4)
    ws.freeze_panes = "A2"


def add_lists(wb: Workbook, ws, headers, lists: dict[str, list[str]]) -> None:
    """A drop-down for each heading in ``lists`` (values kept on the hidden sheet 选项)."""
    options = wb.create_sheet("选项")
    for n, (heading, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(n)
        options.cell(row=1, column=n, value=heading)
        for r, value in enumerate(values, start=2):
            options.cell(row=r, column=n, value=neutralise(value))
        column = get_column_letter(headers.index(heading) + 1)
        ref = f"{quote_sheetname('选项')}!${letter}$2:${letter}${max(len(values), 1) + 1}"
        dv = DataValidation(type="list", formula1=f"={ref}", allow_blank=True, showErrorMessage=True,
                            errorTitle="请从列表中选择", error=f"“{heading}”请从下拉列表中选择")
        dv.add(f"{column}2:{column}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(dv)
    options.sheet_state = "hidden"


def text_column(ws, headers, heading: str) -> None:
    column = headers.index(heading) + 1
    for r in range(2, TEMPLATE_ROWS + 2):
        ws.cell(row=r, column=column).number_format = "@"


def help_sheet(wb: Workbook, lines: list[str]) -> None:
    ws = wb.create_sheet("填写说明")
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 120


def corrections_workbook(rows, headers, title: str) -> bytes:
    """Every row of an import with a first column 错误说明, bad rows in red: fix in Excel, upload again."""
    red = PatternFill("solid", fgColor="FDECEC")
    wb = Workbook()
    ws = wb.active
    ws.title = title
    _header_row(ws, ("错误说明", *headers))
    ws.column_dimensions["A"].width = 48
    for row in rows:
        ws.append([neutralise(v) for v in ("；".join(row.errors), *(row.raw.get(h, "") for h in headers))])
        if row.errors:
            for cell in ws[ws.max_row]:
                cell.fill = red
    ws.freeze_panes = "C2"
    return _bytes(wb)


def registry_template(unit_names: list[str], industry_names: list[str]) -> bytes:
    """Headers, one example row, drop-downs for 所属区市, 行业, 是否建会, 是否规上, and instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    _header_row(ws, HEADERS, REQUIRED)
    ws.append(["威海示例机械有限公司", "913710024JURQ28301", unit_names[0] if unit_names else "环翠区",
               industry_names[0] if industry_names else "制造业", 150, "是", "是", "张三", "0631-5201234",
               "李四", "13806301234", "威海市环翠区示例路1号"])
    text_column(ws, HEADERS, "统一社会信用代码")
    add_lists(wb, ws, HEADERS, {"所属区市": unit_names, "行业": industry_names, "是否建会": YES_NO,
                                "是否规上": YES_NO})
    help_sheet(wb, [
        "企业名录导入说明",
        "1. 表头请勿修改列名（表头上方可以有标题行，表格下方的“注：”“填表说明”等说明行会自动跳过）；"
        "每行一家企业，可另存为 CSV（UTF-8 或 GB18030 编码）。",
        "2. 必填列（红字）：" + "、".join(REQUIRED) + "。",
        "3. 统一社会信用代码为18位（不使用 I、O、Z、S、V），系统校验第18位校验码；小写、全角字符和空格会自动处理。"
        "该列已设为文本格式，请勿改为数字（否则会变成 9.13710E+17）。",
        "4. 所属区市、行业请从下拉列表中选择；也可填常用简称（如“高区”“经开区”“荣成”“制造”），预览时显示按哪一项导入。"
        "不能填“威海市”：企业须登记在一个区市、开发区或市直工会下。",
        "5. 可选区市：" + "、".join(unit_names),
        "6. 可选行业：" + "、".join(industry_names),
        "7. 职工人数为正整数（“120人”“1,200”也可识别）；是否建会、是否规上填写“是”或“否”。",
        "8. 已存在的统一社会信用代码将按本表更新；可选列留空时保留原值。企业改名或迁到其他区市的，"
        "须在预览页逐家勾选确认，未勾选的不修改。",
        "9. 上传后先预览，逐行显示错误；确认后才写入，全部成功或全部不写入。",
        "10. 示例行（第2行）请在导入前删除。",
    ])
    return _bytes(wb)


def contracts_template() -> bytes:
    """Contract headers, one example row, drop-downs for the coded columns, and instructions."""
    from ..models.contracts import CONTRACT_KINDS, OFFER_BY, REVIEW_RESULTS
    from .contract_import import HEADERS as C_HEADERS, REQUIRED as C_REQUIRED

    wb = Workbook()
    ws = wb.active
    ws.title = "集体合同"
    _header_row(ws, C_HEADERS, C_REQUIRED)
    example = {"统一社会信用代码": "913710024JURQ28301", "企业名称": "威海示例机械有限公司", "合同种类": "工资专项集体合同",
               "要约方": "企业工会", "要约日期": "2021-03-02", "书面答复日期": "2021-03-10", "是否书面答复": "是",
               "职工方代表人数": 5, "企业方代表人数": 5, "首席代表是否工会主席": "是", "职代会审议日期": "2021-03-25",
               "职代会应到人数": 60, "出席人数": 52, "赞成人数": 50, "签订日期": "2021-03-26",
               "报送审查日期": "2021-03-30", "审查结果": "无异议（已生效）", "生效日期": "2021-04-14", "合同期限（年）": 1,
               "覆盖职工人数": 150, "工资调整幅度（%）": 5, "最低工资标准（元/月）": 2200,
               "协商会议日期": "2021-03-15、2021-03-20（线上）"}
    ws.append([example.get(h, "") for h in C_HEADERS])
    text_column(ws, C_HEADERS, "统一社会信用代码")
    add_lists(wb, ws, C_HEADERS, {"合同种类": list(CONTRACT_KINDS.values()), "要约方": list(OFFER_BY.values()),
                                  "审查结果": list(REVIEW_RESULTS.values()), "是否书面答复": YES_NO,
                                  "首席代表是否工会主席": YES_NO})
    help_sheet(wb, [
        "集体合同及协商记录导入说明",
        "1. 每行一份企业集体合同（行业性、区域性合同请在“行业/区域合同”页录入）；表头请勿修改列名。",
        "2. 必填列（红字）：" + "、".join(C_REQUIRED) + "。企业按统一社会信用代码匹配，须已在平台企业名录中登记。",
        "3. 合同种类、要约方、审查结果请从下拉列表中选择；“是否书面答复”等填写“是”或“否”。",
        "4. 日期写成 2021-03-15、2021/3/15 或 2021年3月15日；多次协商会议日期用“、”分隔，线上会议在日期后加“（线上）”。",
        "5. 每行按与手工录入相同的规则检查：如答复日期不能早于要约日期、出席人数不能多于应到人数；"
        "程序上的问题（如超过20日才答复、代表人数不足）作为提示显示，不妨碍导入。",
        "6. 合同名称不填时按“企业名称+年份+合同种类”命名；同一企业的同名合同将按本表更新，空白单元格保留原值。",
        "7. 上传后先预览，逐行显示错误；确认后才写入，全部成功或全部不写入。示例行（第2行）请在导入前删除。",
    ])
    return _bytes(wb)
