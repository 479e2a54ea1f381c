"""Helpers shared by the registry tests: contracts, CSV/XLSX bytes, form data."""
from __future__ import annotations

import datetime as dt
import io
import random

from evalsite.creditcode import generate

HEADER = ["企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数", "是否建会", "是否规上",
          "工会主席", "工会主席电话", "人事联系人", "人事联系电话", "地址"]


def code(seed: int, division: str = "371002") -> str:
    return generate(random.Random(seed), division)


def contract(session, enterprise, **kw):
    from evalsite.models import CollectiveContract

    values = dict(scope="enterprise", kind="comprehensive", title=f"{enterprise.name}集体合同",
                  enterprise_id=enterprise.id, unit_id=enterprise.unit_id, offer_date=dt.date(2021, 3, 2),
                  reply_date=dt.date(2021, 3, 10), signing_date=dt.date(2021, 3, 30))
    values.update(kw)
    c = CollectiveContract(**values)
    session.add(c)
    session.flush()
    return c


def meeting(session, contract_, day=dt.date(2021, 3, 15)):
    from evalsite.models import BargainingMeeting

    m = BargainingMeeting(contract_id=contract_.id, date=day, online=False)
    session.add(m)
    session.flush()
    return m


def csv_bytes(rows, encoding="utf-8", header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good_row(seed: int, name: str | None = None, unit="环翠区", industry="制造业", headcount=150):
    return [name or f"威海测试{seed}有限公司", code(seed), unit, industry, headcount, "是", "否", "张三",
            "0631-5201234", "李四", "13806301234", "威海市环翠区某路1号"]


def enterprise_form(unit_id, industry_id, **kw):
    data = {"name": "威海新建机械有限公司", "credit_code": code(99), "unit_id": str(unit_id),
            "industry_id": str(industry_id), "headcount": "150", "unionised": "y", "normally_operating": "y",
            "address": "", "union_chair": "", "union_chair_phone": "", "hr_contact": "", "hr_contact_phone": "",
            "notes": ""}
    data.update(kw)
    return data


def contract_form(**kw):
    data = {"kind": "comprehensive", "title": "测试集体合同", "offer_by": "enterprise_union",
            "offer_date": "2021-03-02", "reply_date": "2021-03-10", "reply_written": "y", "worker_reps": "3",
            "employer_reps": "3", "congress_date": "2021-03-25", "congress_members": "60",
            "congress_present": "50", "congress_in_favour": "45", "signing_date": "2021-03-26",
            "submitted_date": "2021-03-30", "review_result": "no_objection", "effective_date": "2021-04-14",
            "term_years": "3", "covered_workers": "150"}
    data.update(kw)
    return data


def fresh(session) -> None:
    """Forget what the test session knew: the requests wrote through their own sessions."""
    session.expire_all()
    session.rollback()
