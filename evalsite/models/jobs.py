"""Background jobs (批量任务): one row per batch a person asked for, with its progress and its outcome.

The row is the truth whichever runner runs the job (an RQ worker, a thread of
the web process, or ``flask run-job``): progress, the items refused with their
reasons, the result summary and the key of the finished file in the storage
(``evalsite.storage``). ``fingerprint`` names the inputs a file was built from,
so an unchanged second request reuses the file (see ``evalsite.jobs``).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import utcnow
from .users import User

JOB_STATUSES = {"queued": "排队中", "running": "进行中", "finished": "已完成", "failed": "失败"}
INTERRUPTED_LABEL = "已中断"
# the error of a job found still "running" long after its last heartbeat (evalsite/batch/recovery.py)
INTERRUPTED = ("任务在执行过程中被中断（服务器进程重启或退出），已停止。已完成的项目保留，"
               "其余项目未做任何修改；提交该任务的用户可以在本页重新运行它。")


class Job(Base):
    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                                           index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    runner: Mapped[Optional[str]] = mapped_column(String(20))  # rq | thread | cli
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[Optional[dict]] = mapped_column(JSON)
    refusals: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[Optional[str]] = mapped_column(Text)
    fingerprint: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    result_key: Mapped[Optional[str]] = mapped_column(String(64))
    result_name: Mapped[Optional[str]] = mapped_column(String(200))
    result_type: Mapped[Optional[str]] = mapped_column(String(100))
    from_cache: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # the last sign of life of its runner: set when claimed and at every commit of its progress
    heartbeat_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    requested_by: Mapped[Optional[User]] = relationship()

    @property
    def status_label(self) -> str:
        if self.interrupted:
            return INTERRUPTED_LABEL
        return JOB_STATUSES.get(self.status, "未知")

    @property
    def interrupted(self) -> bool:
        """Marked by ``flask jobs-recover``: failed because its runner went away, not because of an error."""
        return self.status == "failed" and self.error == INTERRUPTED

    @property
    def finished(self) -> bool:
        return self.status in ("finished", "failed")
