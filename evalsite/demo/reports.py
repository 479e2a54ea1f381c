"""Demo stage: issued reports, a superseded and a revoked version, rectification in every state.

Runs after the evaluation stage and uses its results; dates are relative to
today so the demo always shows open items next to overdue ones.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ..timefmt import local_today
from ..campaign_context import current_campaign
from ..models import (DetectedProblem, Enterprise, EvaluationResult, RectificationItem, User)
from ..reports import letters as L
from ..reports import rectification as R
from ..reports import workflow as S

ISSUED = 24  # PDFs rendered at seed time: keep the demo fast
CANNED = {
    "final": 72.4, "grade": "合格", "self_total": 81.0, "external_total": 68.5, "survey_total": 13.2, "cap_reasons": [],
    "dimensions": [{"code": "A", "name": "协商主体", "points_max": 15, "self_points": 13, "external_points": 11,
                    "combined_points": 11.8},
                   {"code": "B", "name": "协商程序", "points_max": 30, "self_points": 26, "external_points": 20,
                    "combined_points": 22.4}],
    "indicators": [{"code": "B1", "name": "书面要约", "points_max": 5, "self_points": 5, "external_points": 2,
                    "combined_points": 3.2, "discrepancy": True}],
    "checks": [],
}


def _admin_for(session, ent: Enterprise) -> User | None:
    return (session.scalar(select(User).where(User.role == "district_admin", User.unit_id == ent.unit_id,
                                              User.active.is_(True)).order_by(User.id))
            or session.scalar(select(User).where(User.role == "city_admin").order_by(User.id)))


def _approver_for(session, drafter: User | None) -> User | None:
    """Four eyes: a second administrator (the city's) approves what a district drafted."""
    return session.scalar(select(User).where(User.role.in_(("city_admin", "district_admin")), User.active.is_(True),
                                             User.id != getattr(drafter, "id", None))
                          .order_by(User.role != "city_admin", User.id))


def _results(session, campaign) -> list[int]:
    """Enterprises with a result, those with problems first; synthesised if the evaluation stage made none."""
    problems = (select(DetectedProblem.enterprise_id, func.count().label("n"))
                .where(DetectedProblem.campaign_id == campaign.id).group_by(DetectedProblem.enterprise_id).subquery())
    q = (select(EvaluationResult.enterprise_id).outerjoin(problems, problems.c.enterprise_id ==
                                                          EvaluationResult.enterprise_id)
         .where(EvaluationResult.campaign_id == campaign.id, EvaluationResult.self_draft.is_(False))
         .order_by(func.coalesce(problems.c.n, 0).desc(), EvaluationResult.enterprise_id).limit(ISSUED + 4))
    ids = list(session.scalars(q))
    if ids:
        return ids
    ents = session.scalars(select(Enterprise.id).order_by(Enterprise.id).limit(ISSUED + 4)).all()
    for ent_id in ents:
        session.add(EvaluationResult(campaign_id=campaign.id, enterprise_id=ent_id, system_hash="demo", final=72.4,
                                     grade="合格", self_total=81.0, external_total=68.5, survey_total=13.2,
                                     breakdown=CANNED))
        for code, title, owner, days in (("P-PROC-01", "无书面要约或要约未答复", "employer", 30),
                                         ("P-SURV-03", "职工满意率低", "both", 60)):
            session.add(DetectedProblem(campaign_id=campaign.id, enterprise_id=ent_id, code=code, category="程序",
                                        severity="medium", indicator=code[-2:], title=title,
                                        description=f"评估发现：{title}。", requirement=f"针对“{title}”制定并落实整改措施。",
                                        deadline_days=days, owner=owner))
    session.flush()
    return list(ents)


def _issue(session, campaign, ent, day):
    admin = _admin_for(session, ent)
    v = S.draft_report(session, campaign, ent, admin)
    S.approve(session, v, _approver_for(session, admin))
    S.issue(session, v, admin, today=day)  # the drafter issues: the approver never issues alone
    return v, admin


def _answer(session, item, day, text="已制定整改方案并落实，附会议纪要。"):
    user = session.scalar(select(User).where(User.enterprise_id == item.enterprise_id, User.role == "enterprise",
                                             User.side.in_(R.OWNER_SIDES.get(item.owner, {"union"}))))
    R.submit(session, item, user, text, day)
    return user


def seed(ctx) -> None:
    session = ctx.session
    campaign = ctx.data.get("campaign") or current_campaign(session)
    if campaign is None:
        return
    today = local_today()
    ids = _results(session, campaign)
    recent, old = today - dt.timedelta(days=12), today - dt.timedelta(days=100)
    done = []
    for k, ent_id in enumerate(ids[:ISSUED]):
        ent = session.get(Enterprise, ent_id)
        v, admin = _issue(session, campaign, ent, old if k in (4, 5, 6) else recent)
        items = R.items_of(session, v.report)
        if k == 0:  # a correction: v1 superseded by v2
            v2 = S.draft_report(session, campaign, ent, admin)
            v2.remarks = "更正：外部评估得分录入错误，已复核。"
            S.approve(session, v2, _approver_for(session, admin))
            S.issue(session, v2, admin, today=recent + dt.timedelta(days=2))
        elif k == 1:
            S.revoke(session, v, admin, "企业名称登记有误，报告作废后重新出具。")
        elif k == 2 and items:  # all accepted, closing report issued
            for it in items:
                _answer(session, it, recent + dt.timedelta(days=3))
                R.accept(session, it, admin, "整改到位。")
            closing = R.draft_closing(session, v.report, admin)
            S.approve(session, closing, _approver_for(session, admin))
            S.issue(session, closing, admin, today=today)
        elif k == 3 and items:  # submitted, and returned once
            _answer(session, items[0], recent + dt.timedelta(days=4))
            if len(items) > 1:
                _answer(session, items[1], recent + dt.timedelta(days=4), "拟下次协商时解决。")
                R.return_item(session, items[1], admin, "措施不具体，请补充时间表和责任人。")
        elif k == 4 and items:  # overdue; one answered late and accepted (marked late)
            late_day = items[0].deadline + dt.timedelta(days=6)
            _answer(session, items[0], late_day)
            R.accept(session, items[0], admin, "逾期完成，予以验收。")
            for it in items[1:]:
                L.issue_letter(session, it, "reminder", admin, it.deadline + dt.timedelta(days=3),
                               approver=_approver_for(session, admin))
                L.issue_letter(session, it, "opinion", admin, it.deadline + dt.timedelta(days=20),
                               approver=_approver_for(session, admin))
        elif k == 5 and items:  # refused: returned twice, then 意见书 and 建议书
            it = items[0]
            for _ in range(2):
                _answer(session, it, old + dt.timedelta(days=10), "已知悉。")
                R.return_item(session, it, admin, "未采取实际措施。")
            L.issue_letter(session, it, "opinion", admin, old + dt.timedelta(days=40),
                           approver=_approver_for(session, admin))
            letter = L.issue_letter(session, it, "recommendation", admin, old + dt.timedelta(days=70),
                                    approver=_approver_for(session, admin))
            L.record_response(session, letter, admin, "劳动保障监察机构已立案。", old + dt.timedelta(days=75))
        done.append(ent.name)
    # two more approved (not issued) for `flask render-reports`, one draft
    for k, ent_id in enumerate(ids[ISSUED:ISSUED + 3]):
        ent = session.get(Enterprise, ent_id)
        admin = _admin_for(session, ent)
        v = S.draft_report(session, campaign, ent, admin)
        if k < 2:
            S.approve(session, v, _approver_for(session, admin))
    session.flush()
    open_items = session.scalar(select(func.count(RectificationItem.id)).where(RectificationItem.status == "open"))
    ctx.data["reports"] = {"issued": done, "open_items": open_items}
