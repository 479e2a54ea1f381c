"""Bulk evaluator assignment: the confirmed plan, one enterprise at a time, as the requesting administrator.

Each pair goes through ``assessments.service.assign`` with the requester as
the administrator: the evaluator must be one they may assign, the enterprise
enrolled and within their district, no declared conflict, no duplicate. A pair
that fails is listed with the reason; the others are assigned.
"""
from __future__ import annotations

from ..access import can_edit_enterprise
from ..assessments import service
from ..jobs import Refused
from ..models import Campaign, Enterprise, User

NOT_YOURS = "该企业不在您的管辖范围内，不能分配评估员。"


class Assign:
    LABEL = "批量分配评估员"

    @staticmethod
    def run(ctx) -> None:
        campaign = ctx.session.get(Campaign, ctx.params["campaign_id"])
        pairs = [(int(a), int(b)) for a, b in ctx.params.get("pairs", [])]
        ctx.set_total(len(pairs))
        for ent_id, evaluator_id in pairs:
            with ctx.item(f"企业 {ent_id}") as item:
                ent = ctx.session.get(Enterprise, ent_id)
                evaluator = ctx.session.get(User, evaluator_id)
                if ent is None or not can_edit_enterprise(ctx.user, ent):
                    raise Refused(NOT_YOURS)
                item.label = f"{ent.name} → {evaluator.display_name if evaluator else '（评估员不存在）'}"
                if evaluator is None:
                    raise Refused("评估员账号不存在。")
                service.assign(ctx.session, campaign, ent, evaluator, ctx.user)  # its refusals: DomainError
                ctx.count("assigned")

    @staticmethod
    def summary_lines(summary: dict) -> list[str]:
        return [f"已分配 {summary.get('assigned', 0)} 家企业。"]
