"""Demo stage 1: Weihai's reporting units, industries, ~300 enterprises, contracts, the 2021 campaign, users.

Deterministic: every random choice comes from ``ctx.rng``.  Most contracts
follow the lawful procedure; a minority carry the typical faults (late
reply, missing vote, failed quorum, late filing, unequal representatives,
long term) so that scoring has problems to find.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from ..auth.passwords import hash_password
from ..creditcode import generate as generate_code
from ..models import (BargainingMeeting, Campaign, CollectiveContract, ContractCoverage, Enrolment, Enterprise,
                      Industry, ReportingUnit, User)
from ..registry.enrolment import default_candidates

DEMO_PASSWORD = "Demo-2021-weihai!"

# name, code, kind, division for credit codes, name prefix, admin username, weight (share of enterprises)
UNITS = [
    ("环翠区", "371002", "district", "371002", "威海", "huancui_admin", 60),
    ("文登区", "371003", "district", "371003", "文登", "wendeng_admin", 45),
    ("荣成市", "371082", "county_city", "371082", "荣成", "rongcheng_admin", 50),
    ("乳山市", "371083", "county_city", "371083", "乳山", "rushan_admin", 35),
    ("火炬高技术产业开发区", "371071", "zone", "371071", "威海火炬", "gaoqu_admin", 35),
    ("经济技术开发区", "371072", "zone", "371072", "威海经开", "jingqu_admin", 30),
    ("临港经济技术开发区", "371073", "zone", "371073", "威海临港", "lingang_admin", 15),
    ("南海新区", "371074", "zone", "371000", "威海南海", "nanhai_admin", 10),
    ("综合保税区", "371075", "zone", "371000", "威海综保", "zongbao_admin", 8),
    ("市直产业工会", "371000-CY", "industry_union", "371000", "威海", "chanye_admin", 6),
    ("市直企业工会", "371000-QY", "enterprise_union", "371000", "威海市", "shizhi_admin", 6),
]
# code, name, new form, weight, trade words for names
INDUSTRIES = [
    ("C", "制造业", False, 50, ["机械", "精密机械", "食品", "纺织", "轮胎", "电子", "医疗器械", "渔具", "船舶配件", "水产食品"]),
    ("E", "建筑业", False, 10, ["建工", "建设工程", "建筑安装", "路桥工程"]),
    ("F", "批发零售", False, 12, ["商贸", "百货", "超市", "医药连锁"]),
    ("H", "住宿餐饮", False, 10, ["酒店", "餐饮管理", "海景酒店", "饮食服务"]),
    ("I", "信息技术", False, 8, ["软件", "信息技术", "网络科技", "数据服务"]),
    ("G", "交通运输", False, 10, ["物流", "汽车运输", "客运", "港口服务"]),
    ("NF-KD", "快递", True, 3, ["快递服务", "速递"]),
    ("NF-WM", "外卖配送", True, 2, ["即时配送", "配送服务"]),
    ("NF-WYC", "网约车", True, 2, ["出行服务", "网约车服务"]),
    ("NF-HY", "货运", True, 1, ["货运", "货物运输"]),
    ("NF-JZ", "家政", True, 1, ["家政服务"]),
    ("NF-BJ", "保洁", True, 1, ["保洁服务", "物业保洁"]),
]
BRANDS = list("华海宏鑫泰利恒通达源盛兴隆昌瑞丰金信诚德安康明远新宇天成佳嘉荣益")
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国海燕志强")
AREA_CONTRACTS = [  # unit, industry, scope, kind, minimum pay, piece rate
    ("环翠区", "快递", "industry", "wage", 2300, Decimal("1.20")),
    ("火炬高技术产业开发区", "外卖配送", "industry", "wage", 2200, Decimal("5.50")),
    ("经济技术开发区", "网约车", "industry", "comprehensive", 2100, None),
    ("文登区", "家政", "industry", "wage", 2000, None),
    ("荣成市", "保洁", "regional", "wage", 1850, None),  # below the local minimum wage: a warning to find
    ("乳山市", "快递", "regional", "comprehensive", 2150, Decimal("1.00")),
]


def _weighted(rng, items, weight_index):
    return rng.choices(items, weights=[it[weight_index] for it in items])[0]


def _person(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng) -> str:
    if rng.random() < 0.5:
        return f"0631-{rng.randrange(5000000, 5999999)}"
    return f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}"


def _units(ctx) -> dict:
    s = ctx.session
    city = ReportingUnit(name="威海市", code="371000", kind="city", sort_order=0)
    s.add(city)
    s.flush()
    units = {}
    for order, (name, code, kind, *_rest) in enumerate(UNITS, start=1):
        units[name] = ReportingUnit(name=name, code=code, kind=kind, parent_id=city.id, sort_order=order)
        s.add(units[name])
    s.flush()
    ctx.data["city_unit"] = city
    return units


def _industries(ctx) -> dict:
    inds = {name: Industry(code=code, name=name, is_new_form=new) for code, name, new, *_ in INDUSTRIES}
    ctx.session.add_all(inds.values())
    ctx.session.flush()
    return inds


def _enterprises(ctx, units, inds) -> list[Enterprise]:
    rng, names, codes, out = ctx.rng, set(), set(), []
    new_form = [i for i in INDUSTRIES if i[2]]
    classic = [i for i in INDUSTRIES if not i[2]]
    for _ in range(ctx.enterprises):
        unit_row = _weighted(rng, UNITS, 6)
        ind_row = _weighted(rng, new_form if rng.random() < 0.10 else classic, 3)
        while True:
            name = f"{unit_row[4]}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(ind_row[4])}有限公司"
            if name not in names:
                break
        names.add(name)
        code = generate_code(rng, division=unit_row[3])
        while code in codes:
            code = generate_code(rng, division=unit_row[3])
        codes.add(code)
        roll = rng.random()
        headcount = (rng.randint(15, 99) if roll < 0.18 else rng.randint(100, 299) if roll < 0.70
                     else rng.randint(300, 999) if roll < 0.94 else rng.randint(1000, 4200))
        above = rng.random() < (0.9 if headcount >= 300 else 0.6 if headcount >= 100 else 0.15)
        unionised = rng.random() < (0.93 if headcount >= 100 else 0.55)
        operating = rng.random() > 0.03
        address = f"山东省威海市{unit_row[0]}{rng.choice(BRANDS)}{rng.choice('山海路街')}{rng.randint(1, 399)}号"
        ent = Enterprise(
            name=name, credit_code=code, unit_id=units[unit_row[0]].id, industry_id=inds[ind_row[1]].id,
            headcount=headcount, unionised=unionised, above_size=above, normally_operating=operating, address=address,
            union_chair=_person(rng), union_chair_phone=_phone(rng), hr_contact=_person(rng),
            hr_contact_phone=_phone(rng))
        ctx.session.add(ent)
        out.append(ent)
    ctx.session.flush()
    return out


def _record(rng, c: CollectiveContract, offer: dt.date, members: int, faults: bool) -> None:
    """Fill the bargaining record; with ``faults`` one typical deviation is introduced."""
    kinds = ["late_reply", "no_vote", "quorum", "late_filing", "reps", "term", "not_filed"]
    fault = rng.choice(kinds) if faults else ""
    c.offer_by = rng.choices(["enterprise_union", "upper_union", "employer"], weights=[85, 10, 5])[0]
    c.offer_date = offer
    c.reply_date = offer + dt.timedelta(days=rng.randint(24, 40) if fault == "late_reply" else rng.randint(3, 15))
    c.reply_written = rng.random() > 0.04
    reps = rng.randint(3, 7)
    c.worker_reps, c.employer_reps = (reps, reps - 1) if fault == "reps" else (reps, reps)
    if fault == "reps" and rng.random() < 0.5:
        c.worker_reps = c.employer_reps = 2
    c.worker_chief_is_chair = rng.random() > 0.1
    meeting_day = c.reply_date
    for _ in range(rng.randint(1, 3)):
        meeting_day += dt.timedelta(days=rng.randint(2, 8))
        c.meetings.append(BargainingMeeting(date=meeting_day, online=rng.random() < 0.2))
    congress = meeting_day + dt.timedelta(days=rng.randint(2, 7))
    if fault != "no_vote":
        c.congress_date, c.congress_members = congress, members
        low = 0.5 if fault == "quorum" else 0.8
        c.congress_present = max(1, min(members, int(members * rng.uniform(low, 0.62 if fault == "quorum" else 1.0))))
        c.congress_in_favour = max(1, int(c.congress_present * rng.uniform(0.8, 1.0)))
    c.signing_date = congress + dt.timedelta(days=rng.randint(0, 4))
    if fault != "not_filed":
        c.submitted_date = c.signing_date + dt.timedelta(days=rng.randint(12, 30) if fault == "late_filing"
                                                         else rng.randint(2, 9))
        c.review_result = "no_objection"
        c.effective_date = c.submitted_date + dt.timedelta(days=15)
        c.published_date = c.effective_date + dt.timedelta(days=rng.randint(2, 10))
    c.term_years = Decimal(5) if fault == "term" else Decimal(1 if c.kind == "wage" else 3)


def _contracts(ctx, enterprises) -> int:
    rng, count = ctx.rng, 0
    for ent in enterprises:
        if not ent.unionised or rng.random() < (0.15 if ent.headcount >= 100 else 0.6):
            continue
        kinds = ["comprehensive"]
        if ent.above_size and rng.random() < 0.85 or rng.random() < 0.3:
            kinds.append("wage")
        if rng.random() < 0.2:
            kinds.append("female")
        members = ent.headcount if ent.headcount <= 120 else rng.randint(40, min(150, ent.headcount // 2))
        for kind in kinds:
            year = 2021 if kind == "wage" or rng.random() < 0.4 else rng.choice((2019, 2020))
            base = dt.date(2021, 3, 1) if year == 2021 else dt.date(year, 3, 1)
            c = CollectiveContract(scope="enterprise", kind=kind, enterprise_id=ent.id, unit_id=ent.unit_id,
                                   industry_id=ent.industry_id, title=f"{ent.name}{year}年{_KIND_TITLE[kind]}",
                                   worker_signatory=f"{ent.name}工会委员会", employer_signatory=ent.name,
                                   covered_enterprises=1, covered_workers=ent.headcount)
            _record(rng, c, base + dt.timedelta(days=rng.randint(0, 30)), members, faults=rng.random() < 0.22)
            _wage_terms(rng, c)
            ctx.session.add(c)
            count += 1
            if year == 2021 and rng.random() < 0.9:
                # the renewal replaces a contract still in force when the campaign reports
                ctx.session.add(_predecessor(rng, c, ent, members))
                count += 1
    ctx.session.flush()
    return count


def _wage_terms(rng, c: CollectiveContract) -> None:
    if c.kind == "wage":
        c.wage_increase_pct = Decimal(str(round(rng.uniform(2.5, 8.0), 1)))
        c.min_wage = Decimal(rng.choice((2000, 2100, 2200, 2400, 2600)))


def _predecessor(rng, current: CollectiveContract, ent: Enterprise, members: int) -> CollectiveContract:
    """The previous term of a contract renewed in 2021 (annual for wages, three years otherwise)."""
    year = 2020 if current.kind == "wage" else 2018
    c = CollectiveContract(scope="enterprise", kind=current.kind, enterprise_id=ent.id, unit_id=ent.unit_id,
                           industry_id=ent.industry_id, title=f"{ent.name}{year}年{_KIND_TITLE[current.kind]}",
                           worker_signatory=current.worker_signatory, employer_signatory=current.employer_signatory,
                           covered_enterprises=1, covered_workers=ent.headcount)
    _record(rng, c, dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 30)), members, faults=False)
    _wage_terms(rng, c)
    return c


_KIND_TITLE = {"comprehensive": "集体合同", "wage": "工资专项集体合同", "female": "女职工权益保护专项集体合同"}


def _area_contracts(ctx, units, inds, enterprises) -> list[CollectiveContract]:
    rng, out = ctx.rng, []
    for unit_name, ind_name, scope, kind, min_pay, piece in AREA_CONTRACTS:
        unit, ind = units[unit_name], inds[ind_name]
        members = [e for e in enterprises if e.industry_id == ind.id and e.unit_id == unit.id]
        linked = members[:8]
        outside = rng.randint(4, 18)
        workers = sum(e.headcount for e in linked) + outside * rng.randint(20, 80)
        scope_word = "行业" if scope == "industry" else "区域性"
        c = CollectiveContract(
            scope=scope, kind=kind, unit_id=unit.id, industry_id=ind.id,
            title=f"{unit_name}{ind_name}{scope_word}{_KIND_TITLE[kind]}（2021）",
            worker_signatory=f"{unit_name}{ind_name}行业工会联合会", employer_signatory=f"{unit_name}{ind_name}行业协会",
            covered_enterprises=len(linked) + outside, covered_workers=workers,
            covered_new_form_workers=int(workers * rng.uniform(0.6, 0.95)), min_wage=Decimal(min_pay), piece_rate=piece,
            wage_increase_pct=Decimal(str(round(rng.uniform(3, 6), 1))) if kind == "wage" else None,
            piece_rate_terms="按件计酬，派送费不低于约定单价；节假日派件单价上浮20%" if piece else None,
            allowances="高温津贴每月200元（6-9月），恶劣天气补贴每单0.5元", hours_and_rest="每日工作不超过8小时，每月休息不少于4天",
            safety_insurance="企业为劳动者购买意外伤害保险并参加工伤保险", training_rewards="每年岗前及安全培训不少于16学时；奖惩规则经协商公示")
        _record(rng, c, dt.date(2021, 3, rng.randint(2, 12)), rng.randint(60, 120), faults=False)
        c.offer_by = "upper_union"  # the industry union federation offers for the whole sector
        c.coverage = [ContractCoverage(enterprise_id=e.id) for e in linked]
        ctx.session.add(c)
        out.append(c)
    ctx.session.flush()
    return out


def _campaign(ctx) -> Campaign:
    s = ctx.session
    campaign = Campaign(code="2021-JZYY", name="2021年全市集体协商集中要约行动", start_date=dt.date(2021, 3, 1),
                        end_date=dt.date(2021, 4, 15), report_deadline=dt.date(2021, 4, 23),
                        target_establishment_rate=0.80, target_wage_rate=0.90, min_headcount=100, is_current=True,
                        description="威海市总工会等《关于开展2021年全市集体协商集中要约行动的通知》（2021-03-17）")
    s.add(campaign)
    s.flush()
    for ent in s.scalars(default_candidates(campaign)).all():
        s.add(Enrolment(campaign_id=campaign.id, enterprise_id=ent.id, headcount=ent.headcount, manual=False))
    s.flush()
    return campaign


def _users(ctx, units, campaign) -> None:
    s, pw = ctx.session, hash_password(DEMO_PASSWORD)  # argon2 is slow: hash once

    def user(username, role, name, **kw):
        u = User(username=username, password_hash=pw, display_name=name, role=role, **kw)
        s.add(u)
        return u

    admin = user("admin", "city_admin", "市总工会管理员")
    admins = {row[0]: user(row[5], "district_admin", f"{row[0]}工会管理员", unit_id=units[row[0]].id) for row in UNITS}
    evaluators = [user(f"pinggu{i}", "evaluator", f"评估员{i}（{unit}）", unit_id=units[unit].id)
                  for i, unit in enumerate(("环翠区", "环翠区", "文登区", "荣成市"), start=1)]
    enrolled = s.scalars(select(Enterprise).join(Enrolment).where(Enrolment.campaign_id == campaign.id)
                         .order_by(Enterprise.id)).all()
    picks = []
    for unit_name in ("环翠区", "环翠区", "文登区", "荣成市"):
        picks.append(next(e for e in enrolled if e.unit_id == units[unit_name].id and e not in picks))
    ent_users = []
    for i, ent in enumerate(picks, start=1):
        gh = user(f"qiye{i}_gh", "enterprise", f"{ent.union_chair}（工会）", enterprise_id=ent.id, side="union")
        qy = user(f"qiye{i}_qy", "enterprise", f"{ent.hr_contact}（企业）", enterprise_id=ent.id, side="management")
        ent_users.append({"enterprise": ent, "union": gh, "management": qy})
    s.flush()
    ctx.login("市级管理员", "admin", DEMO_PASSWORD, "全市")
    ctx.login("区级管理员", "huancui_admin", DEMO_PASSWORD, "环翠区（其他单位：wendeng_admin、rongcheng_admin 等）")
    for ev in evaluators[:2]:
        ctx.login("评估员", ev.username, DEMO_PASSWORD, ev.display_name)
    for pair in ent_users[:2]:
        ctx.login("企业职工方", pair["union"].username, DEMO_PASSWORD, pair["enterprise"].name)
        ctx.login("企业企业方", pair["management"].username, DEMO_PASSWORD, pair["enterprise"].name)
    ctx.data.update(admin=admin, district_admins=admins, evaluators=evaluators, enterprise_users=ent_users,
                    password=DEMO_PASSWORD)


def seed(ctx) -> None:
    units = _units(ctx)
    inds = _industries(ctx)
    enterprises = _enterprises(ctx, units, inds)
    contracts = _contracts(ctx, enterprises)
    area = _area_contracts(ctx, units, inds, enterprises)
    campaign = _campaign(ctx)
    _users(ctx, units, campaign)
    ctx.data.update(units=units, industries=inds, enterprises=enterprises, campaign=campaign, area_contracts=area,
                    contract_count=contracts)
