"""The review history: who returned, reopened, withdrew or approved what, and why.

One row per step of a review (report versions and assessments; rectification
items keep their own ``RectificationEvent``). A return always carries its
reason, shown to the returned party and kept here for good.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from .base import one_of, sql_list, utcnow

REVIEW_ACTIONS = {"return": "退回修改", "reopen": "退回重新填写", "withdraw": "撤回审核", "approve": "审核通过",
                  "issue": "出具", "revoke": "撤销", "submit": "提交", "resubmit": "修改后重新提交"}
REVIEW_OBJECTS = {"report_version": "报告版本", "assessment": "评估"}
# steps that always say why (a return's reason is shown to the returned party)
REASONED_ACTIONS = ("return", "reopen", "withdraw", "revoke")


class ReviewEvent(Base):
    __tablename__ = "review_event"
    __table_args__ = (Index("ix_review_event_object", "object_type", "object_id"),
                      one_of("object_type", REVIEW_OBJECTS), one_of("action", REVIEW_ACTIONS),
                      CheckConstraint(f"action NOT IN ({sql_list(REASONED_ACTIONS)}) OR reason IS NOT NULL",
                                      name="reason_given"))
    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[Optional[int]] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[Optional[str]] = mapped_column(Text)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(100), default="系统")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def action_label(self) -> str:
        return REVIEW_ACTIONS.get(self.action, "处理")
