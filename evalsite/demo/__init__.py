"""The demo city: run every area's demo stage in order.

Each stage is a module ``evalsite.demo.<name>`` with ``seed(ctx)``; a
stage sees what earlier ones made through the shared ``DemoContext``.
"""
from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import Base

STAGES = ("orgs", "surveys", "evaluations", "reports")


class DemoAlreadySeeded(RuntimeError):
    pass


@dataclass
class DemoContext:
    session: Session
    rng: random.Random
    enterprises: int
    logins: list = field(default_factory=list)  # (role label, username, password, note)
    data: dict = field(default_factory=dict)  # objects shared between stages

    def login(self, role: str, username: str, password: str, note: str = "") -> None:
        self.logins.append((role, username, password, note))


def wipe(session: Session) -> None:
    """Delete every row (children first); only for ``seed-demo --force``."""
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(table.delete())
    session.flush()


def seed(session: Session, rng_seed: int = 2021, enterprises: int = 300, force: bool = False,
         stages: tuple[str, ...] = STAGES) -> list:
    from ..models import Enterprise

    existing = session.scalar(select(func.count()).select_from(Enterprise))
    if existing:
        if not force:
            raise DemoAlreadySeeded(
                f"数据库中已有 {existing} 家企业，拒绝重复生成演示数据。如需清空后重建，请加 --force。"
            )
        wipe(session)
    ctx = DemoContext(session=session, rng=random.Random(rng_seed), enterprises=enterprises)
    for name in stages:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.seed(ctx)
        session.flush()
    session.commit()
    return ctx.logins


def demo_logins(session: Session) -> list:
    """The demo accounts already in the database (for a second start of the demo)."""
    from ..models import User
    from ..models.users import ROLES

    try:
        from .orgs import DEMO_PASSWORD
    except ImportError:  # pragma: no cover - the orgs stage defines it
        DEMO_PASSWORD = "（首次生成时打印的密码）"
    logins = []
    for role in ROLES:
        users = session.scalars(select(User).where(User.role == role, User.active.is_(True)).order_by(User.id).limit(3))
        for user in users:
            note = user.enterprise.name if user.enterprise else (user.unit.name if user.unit else "")
            logins.append((ROLES[role], user.username, DEMO_PASSWORD, note))
    return logins
